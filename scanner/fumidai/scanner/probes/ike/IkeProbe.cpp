#include "fumidai/scanner/probes/ike/IkeProbe.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include "fumidai/scanner/packet/ByteOrder.h"
#include "fumidai/scanner/probes/ProbeIo.h"
#include "fumidai/scanner/probes/ike/IkeCodec.h"
#include "fumidai/scanner/probes/ike/IkeDescription.h"
#include "fumidai/scanner/probes/ike/IkeMessageParser.h"
#include "fumidai/scanner/probes/ike/IkeRequest.h"
#include "fumidai/scanner/probes/ike/IkeVendorIds.h"
#include "fumidai/scanner/probes/text/SafeText.h"

// GCC 12 takes the coroutine frames below for a mismatched new/delete (the
// false positive FumidaiWarnings.cmake describes under ASan; here it shows
// without it, from how these frames inline).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

// What the probe leaves behind: an IKEv2 responder that answered
// IKE_SA_INIT keeps a half-open IKE SA until its own timeout (strongSwan's is
// 30 s). Closing it takes an INFORMATIONAL Delete, which must be encrypted
// with keys derived from the DH exchange; we derive none (our KE value is
// random bytes, or a key pair we threw away), so we send nothing more. An
// IKEv1 responder likewise keeps the Main Mode state it answered until it
// times out. Any IKE scanner leaves as much, and servers bound it
// (strongSwan: a per-address half-open limit).

namespace fumidai::scanner {
namespace {

namespace json = boost::json;
using Bytes = std::span<const std::uint8_t>;

// Fits the largest IKE_SA_INIT answer (a MODP8192 value and certificate
// requests); read_some cuts a longer datagram, which the parser then reports.
constexpr std::size_t kReplyBufferBytes = 8192;
// IKE_SA_INIT tries: the first, one after INVALID_KE_PAYLOAD, one after COOKIE.
constexpr int kMaxIkev2Exchanges = 3;

// A request with room for the non-ESP marker (zeros) in front.
struct RequestBuffer {
  std::array<std::uint8_t, kIkeNonEspMarkerBytes + kIkeMaxRequestBytes> bytes{};
  std::span<std::uint8_t> body() { return std::span(bytes).subspan(kIkeNonEspMarkerBytes); }
  Bytes wire(std::size_t size, bool nat_t) const {
    return nat_t ? Bytes(bytes).first(kIkeNonEspMarkerBytes + size) : Bytes(bytes).subspan(kIkeNonEspMarkerBytes, size);
  }
};

// The IKE message in a datagram: on port 4500 after the non-ESP marker;
// without one it is ESP, never an answer.
std::optional<Bytes> unframe(Bytes datagram, bool nat_t) {
  if (!nat_t) return datagram;
  if (datagram.size() < kIkeNonEspMarkerBytes || get32(datagram.data()) != 0) return std::nullopt;
  return datagram.subspan(kIkeNonEspMarkerBytes);
}

IkeSpi random_spi() {
  IkeSpi spi{};
  (void)RAND_bytes(spi.data(), static_cast<int>(spi.size()));  // a cookie need not be secret; zeros would do
  return spi;
}

struct Exchange {
  IoStatus io;
  std::optional<IkeMessage> reply;
};

// Sends `wire` and parses the first datagram that answers `spi`. Retries
// keep the SPI (a cookie is bound to it), so a server's late answer to a
// resend of the previous request would count for the retry; it would take a
// server slower than read_timeout, and the record would still be true.
boost::asio::awaitable<Exchange> exchange(ProbeSession& session, Bytes wire, bool nat_t, const IkeSpi& spi,
                                          std::span<std::uint8_t> buffer) {
  const auto accept = [&](Bytes datagram) {
    const auto message = unframe(datagram, nat_t);
    return message && ike::answers(*message, spi);
  };
  const ReadResult read = co_await udp_exchange(session, wire, buffer, accept);
  Exchange e;
  e.io = read.status;
  if (read.status.ok()) e.reply = parse_ike_message(*unframe(Bytes(buffer.data(), read.bytes), nat_t));
  co_return e;
}

// One IKE version's part of the grab.
struct Half {
  std::optional<IkeMessage> reply;  // the last answer
  IoStatus io;                      // of the last exchange
  json::object retries;             // what the answers made us do

  bool valid() const { return reply && !reply->error; }
};

boost::asio::awaitable<Half> grab_ikev2(ProbeSession& session, bool nat_t, RequestBuffer& request,
                                        std::span<std::uint8_t> buffer) {
  Half half;
  const IkeSpi spi = random_spi();
  auto init = make_ikev2_init_request(spi, kDhModp2048);
  bool ke_retried = false;
  bool cookie_retried = false;
  for (int i = 0; i < kMaxIkev2Exchanges && init; ++i) {
    const auto size = build_ikev2_sa_init(request.body(), *init);
    if (!size) {
      init = Result<Ikev2InitRequest>(size.error());
      break;
    }
    Exchange e = co_await exchange(session, request.wire(*size, nat_t), nat_t, spi, buffer);
    half.io = std::move(e.io);
    if (!half.io.ok()) co_return half;
    half.reply = std::move(e.reply);
    const IkeMessage& m = *half.reply;
    if (m.error || m.header.major_version() != 2) break;
    if (const IkeNotify* n = m.find_notify(ikev2::kNotifyInvalidKePayload); n && !ke_retried && n->data.size() == 2) {
      ke_retried = true;
      const std::uint16_t group = get16(reinterpret_cast<const std::uint8_t*>(n->data.data()));
      half.retries["invalid_ke_group"] = dh_group_name(group);
      // The same SPI and nonce: a cookie already echoed stays valid.
      auto retry = make_ikev2_init_request(spi, group);
      if (!retry) break;  // a group we make no value for: the notify stays the answer
      retry->nonce = init->nonce;
      retry->cookie = init->cookie;
      init = std::move(retry);
      continue;
    }
    if (const IkeNotify* n = m.find_notify(ikev2::kNotifyCookie);
        n && !cookie_retried && n->data_length > 0 && n->data_length <= ikev2::kMaxCookieBytes) {
      cookie_retried = true;
      half.retries["cookie_required"] = true;
      init->cookie = n->data;
      continue;
    }
    break;
  }
  if (!init) half.io = IoStatus{IoError::other, init.error().message};
  co_return half;
}

boost::asio::awaitable<Half> grab_ikev1(ProbeSession& session, bool nat_t, RequestBuffer& request,
                                        std::span<std::uint8_t> buffer) {
  Half half;
  const IkeSpi cookie = random_spi();
  const auto size = build_ikev1_main_mode(request.body(), cookie);
  if (!size) {
    half.io = IoStatus{IoError::other, size.error().message};
    co_return half;
  }
  Exchange e = co_await exchange(session, request.wire(*size, nat_t), nat_t, cookie, buffer);
  half.io = std::move(e.io);
  half.reply = std::move(e.reply);
  co_return half;
}

class Record {
 public:
  void add(const Half& half, std::string_view key) {
    json::object fields = half.reply ? describe_ike_message(*half.reply) : json::object();
    for (const auto& [name, value] : half.retries) fields[name] = value;
    if (!half.io.ok()) fields["io_error"] = json_safe_text(half.io.message);
    data_[key] = std::move(fields);
    if (!half.reply) return;
    add_ike_vendor_ids(*half.reply, IkeVendorIds::built_in(), vendor_ids_);
    if (!half.valid()) return;
    const json::string version = half.reply->header.major_version() == 2 ? "ikev2" : "ikev1";
    if (std::find(versions_.begin(), versions_.end(), json::value(version)) == versions_.end())
      versions_.push_back(version);
  }
  json::object finish() {
    if (!vendor_ids_.empty()) data_["vendor_ids"] = std::move(vendor_ids_);
    data_["versions"] = std::move(versions_);
    return std::move(data_);
  }

 private:
  json::object data_;
  json::array vendor_ids_;
  json::array versions_;
};

// The first answer that broke the format, for the record's error.
std::optional<std::string> parse_error(const Half& v2, const Half& v1) {
  if (v2.reply && v2.reply->error) return "ikev2: " + *v2.reply->error;
  if (v1.reply && v1.reply->error) return "ikev1: " + *v1.reply->error;
  return std::nullopt;
}

}  // namespace

boost::asio::awaitable<ProbeOutcome> IkeProbe::run(ProbeSession& session) const {
  const bool nat_t = session.target().port == kIkeNatTraversalPort;
  RequestBuffer request;
  std::array<std::uint8_t, kReplyBufferBytes> buffer;
  Record record;
  const Half v2 = co_await grab_ikev2(session, nat_t, request, buffer);
  record.add(v2, "ikev2");
  // ICMP port-unreachable: nothing listens, so IKEv1 would only hear it again.
  if (v2.io.error == IoError::refused) co_return outcome_from_io(v2.io, record.finish());
  const Half v1 = co_await grab_ikev1(session, nat_t, request, buffer);
  record.add(v1, "ikev1");

  ProbeOutcome outcome;
  outcome.data = record.finish();
  if (v2.valid() || v1.valid()) co_return outcome;
  if (const auto error = parse_error(v2, v1)) {
    outcome.status = GrabStatus::protocol_error;
    outcome.error = json_safe_text(*error);
    co_return outcome;
  }
  co_return outcome_from_io(v1.io.error == IoError::refused ? v1.io : v2.io, std::move(outcome.data));
}

}  // namespace fumidai::scanner
