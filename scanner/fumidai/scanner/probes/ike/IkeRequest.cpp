#include "fumidai/scanner/probes/ike/IkeRequest.h"

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "fumidai/scanner/packet/ByteOrder.h"

namespace fumidai::scanner {
namespace {

// Appends to a caller's buffer; an append that does not fit marks it full
// and writes nothing, so the caller checks once at the end.
class Writer {
 public:
  explicit Writer(std::span<std::uint8_t> out) : out_(out) {}

  std::size_t size() const { return size_; }
  bool overflowed() const { return overflowed_; }

  void bytes(std::span<const std::uint8_t> b) {
    if (!room(b.size())) return;
    std::copy(b.begin(), b.end(), out_.begin() + static_cast<std::ptrdiff_t>(size_));
    size_ += b.size();
  }
  void u8(std::uint8_t v) { bytes(std::span(&v, 1)); }
  void u16(std::uint16_t v) {
    std::uint8_t b[2];
    put16(b, v);
    bytes(b);
  }
  void u32(std::uint32_t v) {
    std::uint8_t b[4];
    put32(b, v);
    bytes(b);
  }
  // Writes a placeholder for a length field and returns where it is.
  std::size_t length_at(std::size_t bytes_wide) {
    const std::size_t at = size_;
    bytes_wide == 2 ? u16(0) : u32(0);
    return at;
  }
  // Fills the field at `at` (2 or 4 bytes) with the bytes since `from`.
  void patch16(std::size_t at, std::size_t from) {
    if (!overflowed_) put16(out_.data() + at, static_cast<std::uint16_t>(size_ - from));
  }
  void patch32(std::size_t at, std::size_t from) {
    if (!overflowed_) put32(out_.data() + at, static_cast<std::uint32_t>(size_ - from));
  }

 private:
  bool room(std::size_t n) {
    if (overflowed_ || n > out_.size() - size_) overflowed_ = true;
    return !overflowed_;
  }

  std::span<std::uint8_t> out_;
  std::size_t size_ = 0;
  bool overflowed_ = false;
};

// A generic payload header (RFC 7296, 3.2) whose length is patched later.
std::size_t begin_payload(Writer& w, std::uint8_t next) {
  const std::size_t start = w.size();
  w.u8(next);
  w.u8(0);
  w.length_at(2);
  return start;
}
void end_payload(Writer& w, std::size_t start) { w.patch16(start + 2, start); }

void header(Writer& w, const IkeSpi& spi, std::uint8_t next, std::uint8_t version, std::uint8_t exchange,
            std::uint8_t flags) {
  w.bytes(spi);
  w.bytes(IkeSpi{});
  w.u8(next);
  w.u8(version);
  w.u8(exchange);
  w.u8(flags);
  w.u32(0);  // message ID
  w.length_at(4);
}

Result<std::size_t> finish(Writer& w, std::string_view what) {
  if (w.overflowed()) return make_error(fmt::format("the {} does not fit in the buffer", what));
  w.patch32(kIkeHeaderBytes - 4, 0);
  return w.size();
}

struct V2Transform {
  std::uint8_t type;
  std::uint16_t id;
  std::uint16_t key_length;  // 0: no key length attribute
};

constexpr V2Transform kCbcTransforms[] = {
    {ikev2::kTransformEncryption, ikev2::kEncrAesCbc, 256},
    {ikev2::kTransformEncryption, ikev2::kEncrAesCbc, 128},
    {ikev2::kTransformEncryption, ikev2::kEncr3Des, 0},
    {ikev2::kTransformPrf, ikev2::kPrfHmacSha2_256, 0},
    {ikev2::kTransformPrf, ikev2::kPrfHmacSha2_384, 0},
    {ikev2::kTransformPrf, ikev2::kPrfHmacSha1, 0},
    {ikev2::kTransformIntegrity, ikev2::kIntegHmacSha2_256_128, 0},
    {ikev2::kTransformIntegrity, ikev2::kIntegHmacSha2_384_192, 0},
    {ikev2::kTransformIntegrity, ikev2::kIntegHmacSha1_96, 0},
};
// AEAD ciphers need a proposal of their own: no integrity transform.
constexpr V2Transform kAeadTransforms[] = {
    {ikev2::kTransformEncryption, ikev2::kEncrAesGcm16, 256},
    {ikev2::kTransformEncryption, ikev2::kEncrAesGcm16, 128},
    {ikev2::kTransformEncryption, ikev2::kEncrChacha20Poly1305, 0},
    {ikev2::kTransformPrf, ikev2::kPrfHmacSha2_256, 0},
    {ikev2::kTransformPrf, ikev2::kPrfHmacSha2_384, 0},
    {ikev2::kTransformPrf, ikev2::kPrfHmacSha1, 0},
};
constexpr std::uint16_t kOfferedGroups[] = {kDhModp2048, kDhEcp256,   kDhCurve25519, kDhEcp384,
                                            kDhModp3072, kDhModp1536, kDhModp1024};

void v2_transform(Writer& w, const V2Transform& t, bool last) {
  const std::size_t start = w.size();
  w.u8(last ? 0 : ikev2::kMoreTransforms);
  w.u8(0);
  w.length_at(2);
  w.u8(t.type);
  w.u8(0);
  w.u16(t.id);
  if (t.key_length != 0) {
    w.u16(0x8000 | ikev2::kAttrKeyLength);
    w.u16(t.key_length);
  }
  w.patch16(start + 2, start);
}

void v2_proposal(Writer& w, std::uint8_t number, bool last, std::span<const V2Transform> transforms,
                 std::uint16_t ke_group) {
  std::vector<V2Transform> all(transforms.begin(), transforms.end());
  all.push_back({ikev2::kTransformDh, ke_group, 0});
  for (const std::uint16_t group : kOfferedGroups)
    if (group != ke_group) all.push_back({ikev2::kTransformDh, group, 0});
  const std::size_t start = w.size();
  w.u8(last ? 0 : ikev2::kMoreProposals);
  w.u8(0);
  w.length_at(2);
  w.u8(number);
  w.u8(ikev2::kProtocolIke);
  w.u8(0);  // SPI size: none in IKE_SA_INIT
  w.u8(static_cast<std::uint8_t>(all.size()));
  for (std::size_t i = 0; i < all.size(); ++i) v2_transform(w, all[i], i + 1 == all.size());
  w.patch16(start + 2, start);
}

Result<std::vector<std::uint8_t>> random_bytes(std::size_t n) {
  std::vector<std::uint8_t> bytes(n);
  if (RAND_bytes(bytes.data(), static_cast<int>(n)) != 1) return make_error("the random generator failed");
  return bytes;
}

// The public key of a fresh key pair on a NIST curve, without the 0x04 that
// marks an uncompressed point: IKEv2's x || y (RFC 5903, 7).
Result<std::vector<std::uint8_t>> ec_public_value(const char* curve) {
  using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
  Key key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve), &EVP_PKEY_free);
  std::array<std::uint8_t, 1 + 2 * 66> point{};  // P-521's coordinates are 66 bytes
  std::size_t length = 0;
  if (!key ||
      EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point.data(), point.size(),
                                      &length) != 1 ||
      length < 3 || point[0] != 0x04)
    return make_error(fmt::format("could not make a {} key", curve));
  return std::vector<std::uint8_t>(point.begin() + 1, point.begin() + static_cast<std::ptrdiff_t>(length));
}

Result<std::vector<std::uint8_t>> ke_data(std::uint16_t group) {
  std::size_t modp_bytes = 0;
  switch (group) {
    case 1:
      modp_bytes = 96;
      break;
    case kDhModp1024:
      modp_bytes = 128;
      break;
    case kDhModp1536:
      modp_bytes = 192;
      break;
    case kDhModp2048:
      modp_bytes = 256;
      break;
    case kDhModp3072:
      modp_bytes = 384;
      break;
    case 16:
      modp_bytes = 512;
      break;
    case 17:
      modp_bytes = 768;
      break;
    case 18:
      modp_bytes = 1024;
      break;
    case kDhEcp256:
      return ec_public_value("P-256");
    case kDhEcp384:
      return ec_public_value("P-384");
    case 21:
      return ec_public_value("P-521");
    case kDhCurve25519:
      return random_bytes(32);
    case 32:  // Curve448
      return random_bytes(56);
    default:
      return make_error(fmt::format("no key exchange value for group {}", dh_group_name(group)));
  }
  auto bytes = random_bytes(modp_bytes);
  if (bytes) (*bytes)[0] &= 0x7f;
  return bytes;
}

// Phase-1 attributes, all TV (RFC 2409, appendix A).
void v1_attribute(Writer& w, std::uint16_t type, std::uint16_t value) {
  w.u16(0x8000 | type);
  w.u16(value);
}

// Vendor IDs we send (the values are public: MD5 of a name, see the
// vendor-ID data file). FRAGMENTATION carries capability 0x80000000, "main
// and aggressive mode", the form strongSwan answers.
constexpr std::uint8_t kVidRfc3947[] = {0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45,
                                        0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f};
constexpr std::uint8_t kVidNatTDraft03[] = {0x7d, 0x94, 0x19, 0xa6, 0x53, 0x10, 0xca, 0x6f,
                                            0x2c, 0x17, 0x9d, 0x92, 0x15, 0x52, 0x9d, 0x56};
constexpr std::uint8_t kVidNatTDraft02n[] = {0x90, 0xcb, 0x80, 0x91, 0x3e, 0xbb, 0x69, 0x6e,
                                             0x08, 0x63, 0x81, 0xb5, 0xec, 0x42, 0x7b, 0x1f};
constexpr std::uint8_t kVidDpd[] = {0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
                                    0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00};
constexpr std::uint8_t kVidXauth[] = {0x09, 0x00, 0x26, 0x89, 0xdf, 0xd6, 0xb7, 0x12};
constexpr std::uint8_t kVidFragmentation[] = {0x40, 0x48, 0xb7, 0xd5, 0x6e, 0xbc, 0xe8, 0x85, 0x25, 0xe7,
                                              0xde, 0x7f, 0x00, 0xd6, 0xc2, 0xd3, 0x80, 0x00, 0x00, 0x00};
constexpr std::span<const std::uint8_t> kV1VendorIds[] = {kVidRfc3947, kVidNatTDraft03, kVidNatTDraft02n,
                                                          kVidDpd,     kVidXauth,       kVidFragmentation};

}  // namespace

Result<Ikev2InitRequest> make_ikev2_init_request(const IkeSpi& spi, std::uint16_t dh_group) {
  Ikev2InitRequest request;
  request.spi = spi;
  request.dh_group = dh_group;
  auto ke = ke_data(dh_group);
  if (!ke) return ke.error();
  request.ke_data = std::move(*ke);
  if (RAND_bytes(request.nonce.data(), static_cast<int>(request.nonce.size())) != 1)
    return make_error("the random generator failed");
  return request;
}

Result<std::size_t> build_ikev2_sa_init(std::span<std::uint8_t> out, const Ikev2InitRequest& request) {
  if (request.cookie.size() > ikev2::kMaxCookieBytes)
    return make_error(fmt::format("a {}-byte cookie, more than {}", request.cookie.size(), ikev2::kMaxCookieBytes));
  Writer w(out);
  const bool cookie = !request.cookie.empty();
  header(w, request.spi, cookie ? ikev2::kPayloadNotify : ikev2::kPayloadSa, kIkeVersion2, ikev2::kExchangeSaInit,
         ikev2::kFlagInitiator);
  if (cookie) {
    const std::size_t n = begin_payload(w, ikev2::kPayloadSa);
    w.u8(0);  // protocol: none
    w.u8(0);  // SPI size
    w.u16(ikev2::kNotifyCookie);
    w.bytes(std::span(reinterpret_cast<const std::uint8_t*>(request.cookie.data()), request.cookie.size()));
    end_payload(w, n);
  }
  const std::size_t sa = begin_payload(w, ikev2::kPayloadKe);
  v2_proposal(w, 1, false, kCbcTransforms, request.dh_group);
  v2_proposal(w, 2, true, kAeadTransforms, request.dh_group);
  end_payload(w, sa);
  const std::size_t ke = begin_payload(w, ikev2::kPayloadNonce);
  w.u16(request.dh_group);
  w.u16(0);
  w.bytes(request.ke_data);
  end_payload(w, ke);
  const std::size_t nonce = begin_payload(w, ikev2::kPayloadNone);
  w.bytes(request.nonce);
  end_payload(w, nonce);
  return finish(w, "IKE_SA_INIT request");
}

Result<std::size_t> build_ikev1_main_mode(std::span<std::uint8_t> out, const IkeSpi& cookie) {
  struct Cipher {
    std::uint16_t id;
    std::uint16_t key_length;
  };
  constexpr Cipher kCiphers[] = {{ikev1::kEncrAesCbc, 256}, {ikev1::kEncrAesCbc, 128}, {ikev1::kEncr3Des, 0}};
  constexpr std::uint16_t kHashes[] = {ikev1::kHashSha2_256, ikev1::kHashSha1};
  constexpr std::uint16_t kAuths[] = {ikev1::kAuthPsk, ikev1::kAuthRsaSig};
  constexpr std::uint16_t kGroups[] = {kDhModp2048, kDhModp1024};
  constexpr std::size_t kTransforms = std::size(kCiphers) * std::size(kHashes) * std::size(kAuths) * std::size(kGroups);
  constexpr std::uint16_t kLifetimeSeconds = 28800;

  Writer w(out);
  header(w, cookie, ikev1::kPayloadSa, kIkeVersion1, ikev1::kExchangeIdentityProtection, 0);
  const std::size_t sa = begin_payload(w, ikev1::kPayloadVendorId);
  w.u32(ikev1::kDoiIpsec);
  w.u32(ikev1::kSituationIdentityOnly);
  const std::size_t proposal = begin_payload(w, ikev1::kPayloadNone);
  w.u8(1);  // proposal number
  w.u8(ikev1::kProtocolIsakmp);
  w.u8(0);  // SPI size
  w.u8(kTransforms);
  std::size_t number = 0;
  for (const Cipher& cipher : kCiphers)
    for (const std::uint16_t hash : kHashes)
      for (const std::uint16_t auth : kAuths)
        for (const std::uint16_t group : kGroups) {
          ++number;
          const std::size_t t =
              begin_payload(w, number == kTransforms ? ikev1::kPayloadNone : ikev1::kPayloadTransform);
          w.u8(static_cast<std::uint8_t>(number));
          w.u8(ikev1::kTransformKeyIke);
          w.u16(0);
          v1_attribute(w, ikev1::kAttrEncryption, cipher.id);
          if (cipher.key_length != 0) v1_attribute(w, ikev1::kAttrKeyLength, cipher.key_length);
          v1_attribute(w, ikev1::kAttrHash, hash);
          v1_attribute(w, ikev1::kAttrAuthMethod, auth);
          v1_attribute(w, ikev1::kAttrGroup, group);
          v1_attribute(w, ikev1::kAttrLifeType, ikev1::kLifeSeconds);
          v1_attribute(w, ikev1::kAttrLifeDuration, kLifetimeSeconds);
          end_payload(w, t);
        }
  end_payload(w, proposal);
  end_payload(w, sa);
  for (std::size_t i = 0; i < std::size(kV1VendorIds); ++i) {
    const std::size_t vid =
        begin_payload(w, i + 1 == std::size(kV1VendorIds) ? ikev1::kPayloadNone : ikev1::kPayloadVendorId);
    w.bytes(kV1VendorIds[i]);
    end_payload(w, vid);
  }
  return finish(w, "Main Mode request");
}

}  // namespace fumidai::scanner
