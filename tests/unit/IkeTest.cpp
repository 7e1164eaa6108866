// The IKE codec (requests, the bounded message parser, vendor-ID names) and
// the "ike" probe module driven by the grab engine against a UDP server on
// 127.0.0.1 that answers with replies captured from strongSwan, on a
// ManualClock.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "fumidai/core/ManualClock.h"
#include "fumidai/scanner/grab/GrabEngine.h"
#include "fumidai/scanner/grab/ProbeRegistry.h"
#include "fumidai/scanner/packet/ByteOrder.h"
#include "fumidai/scanner/probes/ike/IkeCodec.h"
#include "fumidai/scanner/probes/ike/IkeDescription.h"
#include "fumidai/scanner/probes/ike/IkeMessageParser.h"
#include "fumidai/scanner/probes/ike/IkeRequest.h"
#include "fumidai/scanner/probes/ike/IkeVendorIds.h"
#include "support/GrabHarness.h"
#include "support/LoopbackUdpServer.h"

namespace fumidai::scanner {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using test::LoopbackUdpServer;

// Replies captured from strongSwan 5.9.8 (Debian 12's charon, gmp plugin
// only: MODP groups) in a lab namespace, answering this probe. swanctl.conf:
// an IKEv2 connection with proposals aes256-sha256-modp3072 and
// aes128-sha1-modp2048, an IKEv1 one with aes256-sha1-modp2048, PSK, on
// 198.19.0.240; a second address whose connections want
// aes256-sha512-modp4096 (nothing we offer); strongswan.conf
// send_vendor_id = yes, cookie_threshold = 3.
//   v2-invalid-ke     our MODP2048 KE, it wants MODP3072: N(INVALID_KE_PAYLOAD) V
//   v2-sa-init        the retry with MODP3072: SA KE Nonce N N V
//   v2-cookie         three half-open SAs later: N(COOKIE)
//   v2-no-proposal    N(NO_PROPOSAL_CHOSEN)
//   v1-main-mode      Main Mode's second message: SA V V V V V
//   v1-no-proposal    an informational exchange with NO-PROPOSAL-CHOSEN
std::string fixture(std::string_view name) {
  std::ifstream in(std::string(FUMIDAI_TEST_DATA_DIR) + "/ike/strongswan-" + std::string(name) + ".hex");
  std::string hex;
  in >> hex;
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  EXPECT_FALSE(bytes.empty()) << name;
  return bytes;
}

std::span<const std::uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string hex(std::string_view bytes) {
  std::string out;
  for (const char c : bytes) out += fmt::format("{:02x}", static_cast<unsigned char>(c));
  return out;
}

IkeMessage parse(const std::string& datagram) { return parse_ike_message(bytes(datagram)); }

std::vector<std::uint8_t> types(const IkeMessage& m) {
  std::vector<std::uint8_t> out;
  for (const IkePayloadInfo& p : m.payloads) out.push_back(p.type);
  return out;
}

const std::string kStrongSwanVid = "\x88\x2f\xe5\x6d\x6f\xd2\x0d\xbc\x22\x51\x61\x3b\x2e\xbe\x5b\xeb";

// --- The parser on strongSwan's replies ---------------------------------

TEST(IkeParser, StrongSwanSaInitResponse) {
  const IkeMessage m = parse(fixture("v2-sa-init"));
  ASSERT_FALSE(m.error) << *m.error;
  EXPECT_EQ(m.header.version, kIkeVersion2);
  EXPECT_EQ(m.header.exchange, ikev2::kExchangeSaInit);
  EXPECT_EQ(m.header.flags, ikev2::kFlagResponse);
  EXPECT_EQ(m.header.length, 540u);
  EXPECT_NE(m.header.responder_spi, IkeSpi{});
  EXPECT_EQ(types(m), (std::vector<std::uint8_t>{33, 34, 40, 41, 41, 43}));
  ASSERT_EQ(m.proposals.size(), 1u);
  const IkeProposal& p = m.proposals[0];
  EXPECT_EQ(p.protocol, ikev2::kProtocolIke);
  ASSERT_EQ(p.transforms.size(), 4u);
  EXPECT_EQ(p.transforms[0].type, ikev2::kTransformEncryption);
  EXPECT_EQ(p.transforms[0].id, ikev2::kEncrAesCbc);
  EXPECT_EQ(p.transforms[0].attribute(ikev2::kAttrKeyLength), 256);
  EXPECT_EQ(p.transforms[3].type, ikev2::kTransformDh);
  EXPECT_EQ(p.transforms[3].id, kDhModp3072);
  EXPECT_EQ(m.ke_group, kDhModp3072);
  EXPECT_EQ(m.ke_length, 384u);
  EXPECT_EQ(m.nonce_length, 32u);
  ASSERT_EQ(m.notifies.size(), 2u);
  EXPECT_EQ(m.notifies[0].type, 16418);
  EXPECT_EQ(m.notifies[1].type, 16404);
  EXPECT_EQ(m.vendor_ids, std::vector<std::string>{kStrongSwanVid});
}

TEST(IkeParser, StrongSwanErrorNotifies) {
  const IkeMessage ke = parse(fixture("v2-invalid-ke"));
  ASSERT_FALSE(ke.error);
  ASSERT_NE(ke.find_notify(ikev2::kNotifyInvalidKePayload), nullptr);
  EXPECT_EQ(ke.find_notify(ikev2::kNotifyInvalidKePayload)->data, std::string("\x00\x0f", 2));
  EXPECT_EQ(ke.header.responder_spi, IkeSpi{});

  const IkeMessage cookie = parse(fixture("v2-cookie"));
  ASSERT_FALSE(cookie.error);
  ASSERT_NE(cookie.find_notify(ikev2::kNotifyCookie), nullptr);
  EXPECT_EQ(cookie.find_notify(ikev2::kNotifyCookie)->data_length, 24u);

  const IkeMessage none = parse(fixture("v2-no-proposal"));
  ASSERT_FALSE(none.error);
  EXPECT_NE(none.find_notify(ikev2::kNotifyNoProposalChosen), nullptr);

  const IkeMessage v1 = parse(fixture("v1-no-proposal"));
  ASSERT_FALSE(v1.error);
  EXPECT_EQ(v1.header.exchange, ikev1::kExchangeInformational);
  ASSERT_EQ(v1.notifies.size(), 1u);
  EXPECT_EQ(v1.notifies[0].type, ikev1::kNotifyNoProposalChosen);
}

TEST(IkeParser, StrongSwanMainModeResponse) {
  const IkeMessage m = parse(fixture("v1-main-mode"));
  ASSERT_FALSE(m.error) << *m.error;
  EXPECT_EQ(m.header.version, kIkeVersion1);
  EXPECT_EQ(m.header.exchange, ikev1::kExchangeIdentityProtection);
  EXPECT_EQ(types(m), (std::vector<std::uint8_t>{1, 13, 13, 13, 13, 13}));
  ASSERT_EQ(m.proposals.size(), 1u);
  ASSERT_EQ(m.proposals[0].transforms.size(), 1u);
  const IkeTransform& t = m.proposals[0].transforms[0];
  EXPECT_EQ(t.id, ikev1::kTransformKeyIke);
  EXPECT_EQ(t.attribute(ikev1::kAttrEncryption), ikev1::kEncrAesCbc);
  EXPECT_EQ(t.attribute(ikev1::kAttrKeyLength), 256);
  EXPECT_EQ(t.attribute(ikev1::kAttrHash), ikev1::kHashSha1);
  EXPECT_EQ(t.attribute(ikev1::kAttrAuthMethod), ikev1::kAuthPsk);
  EXPECT_EQ(t.attribute(ikev1::kAttrGroup), kDhModp2048);
  EXPECT_EQ(m.vendor_ids.size(), 5u);
}

TEST(IkeDescription, NamesTheChoiceAndTheVendorIds) {
  const json::object v2 = ike::describe(bytes(fixture("v2-sa-init")));
  EXPECT_EQ(v2.at("version"), "2.0");
  EXPECT_EQ(v2.at("exchange"), "IKE_SA_INIT");
  EXPECT_EQ(v2.at("proposal"),
            (json::object{
                {"encryption", "aes256"}, {"integrity", "sha256"}, {"prf", "prfsha256"}, {"dh_group", "modp3072"}}));
  EXPECT_EQ(v2.at("ke_group"), "modp3072");
  EXPECT_EQ(v2.at("notifies").as_array()[0].at("name"), "CHILDLESS_IKEV2_SUPPORTED");
  EXPECT_EQ(v2.at("vendor_ids"), (json::array{json::object{{"hex", hex(kStrongSwanVid)}, {"name", "strongSwan"}}}));
  EXPECT_FALSE(v2.contains("error"));

  const json::object v1 = ike::describe(bytes(fixture("v1-main-mode")));
  EXPECT_EQ(v1.at("exchange"), "identity-protection");
  EXPECT_EQ(v1.at("proposal"), (json::object{{"encryption", "aes256"},
                                             {"hash", "sha1"},
                                             {"auth", "psk"},
                                             {"dh_group", "modp2048"},
                                             {"lifetime_seconds", 28800}}));
  std::vector<std::string> names;
  for (const json::value& v : v1.at("vendor_ids").as_array()) names.emplace_back(v.at("name").as_string());
  EXPECT_EQ(names,
            (std::vector<std::string>{"strongSwan", "XAUTH", "DPD (RFC 3706)", "IKE fragmentation", "RFC 3947 NAT-T"}));
}

// --- Requests -----------------------------------------------------------

constexpr IkeSpi kSpi = {1, 2, 3, 4, 5, 6, 7, 8};

TEST(IkeRequest, SaInitParsesBackWithTheOfferAndAKeOfTheGroupsSize) {
  for (const auto& [group, ke_bytes] : std::vector<std::pair<std::uint16_t, std::size_t>>{{kDhModp2048, 256},
                                                                                          {kDhModp3072, 384},
                                                                                          {kDhModp1024, 128},
                                                                                          {kDhEcp256, 64},
                                                                                          {kDhEcp384, 96},
                                                                                          {21, 132},
                                                                                          {kDhCurve25519, 32}}) {
    auto request = make_ikev2_init_request(kSpi, group);
    ASSERT_TRUE(request) << group;
    std::array<std::uint8_t, kIkeMaxRequestBytes> out{};
    const auto size = build_ikev2_sa_init(out, *request);
    ASSERT_TRUE(size);
    const IkeMessage m = parse_ike_message(std::span(out).first(*size));
    ASSERT_FALSE(m.error) << *m.error;
    EXPECT_EQ(m.header.initiator_spi, kSpi);
    EXPECT_EQ(m.header.flags, ikev2::kFlagInitiator);
    EXPECT_EQ(m.header.length, *size);
    EXPECT_EQ(types(m), (std::vector<std::uint8_t>{33, 34, 40}));
    ASSERT_EQ(m.proposals.size(), 2u);
    // 9 (or 6 AEAD) and the 7 groups offered, the KE group first (added when
    // not among them).
    const std::size_t groups = group == 21 ? 8 : 7;
    EXPECT_EQ(m.proposals[0].transforms.size(), 9 + groups);
    EXPECT_EQ(m.proposals[1].transforms.size(), 6 + groups);
    // The KE group is the first DH transform of both proposals.
    EXPECT_EQ(m.proposals[0].transforms[9].type, ikev2::kTransformDh);
    EXPECT_EQ(m.proposals[0].transforms[9].id, group);
    EXPECT_EQ(m.ke_group, group);
    EXPECT_EQ(m.ke_length, ke_bytes);
    EXPECT_EQ(m.nonce_length, kIkeNonceBytes);
    if (group == kDhModp2048) {
      EXPECT_LT(request->ke_data[0], 0x80) << "a MODP value below the prime";
    }
  }
  EXPECT_FALSE(make_ikev2_init_request(kSpi, 22)) << "no value for MODP1024 with a 160-bit subgroup";
}

TEST(IkeRequest, CookieGoesFirstAndIsBounded) {
  auto request = make_ikev2_init_request(kSpi, kDhModp2048);
  ASSERT_TRUE(request);
  request->cookie = std::string("\x00\x00\x40\x06 cookie from the server", 26);
  std::array<std::uint8_t, kIkeMaxRequestBytes> out{};
  const auto size = build_ikev2_sa_init(out, *request);
  ASSERT_TRUE(size);
  const IkeMessage m = parse_ike_message(std::span(out).first(*size));
  ASSERT_FALSE(m.error);
  EXPECT_EQ(types(m), (std::vector<std::uint8_t>{41, 33, 34, 40}));
  ASSERT_EQ(m.notifies.size(), 1u);
  EXPECT_EQ(m.notifies[0].type, ikev2::kNotifyCookie);
  EXPECT_EQ(m.notifies[0].data, request->cookie);

  request->cookie.assign(65, 'c');
  EXPECT_FALSE(build_ikev2_sa_init(out, *request));
  request->cookie.clear();
  std::array<std::uint8_t, 100> small{};
  EXPECT_FALSE(build_ikev2_sa_init(small, *request)) << "a buffer too small is an error, not an overflow";
}

TEST(IkeRequest, MainModeOffers24TransformsAndSixVendorIds) {
  std::array<std::uint8_t, kIkeMaxRequestBytes> out{};
  const auto size = build_ikev1_main_mode(out, kSpi);
  ASSERT_TRUE(size);
  const IkeMessage m = parse_ike_message(std::span(out).first(*size));
  ASSERT_FALSE(m.error) << *m.error;
  EXPECT_EQ(m.header.version, kIkeVersion1);
  EXPECT_EQ(m.header.exchange, ikev1::kExchangeIdentityProtection);
  EXPECT_EQ(types(m), (std::vector<std::uint8_t>{1, 13, 13, 13, 13, 13, 13}));
  ASSERT_EQ(m.proposals.size(), 1u);
  ASSERT_EQ(m.proposals[0].transforms.size(), 24u);
  const IkeTransform& first = m.proposals[0].transforms[0];
  EXPECT_EQ(first.attribute(ikev1::kAttrKeyLength), 256);
  EXPECT_EQ(first.attribute(ikev1::kAttrLifeDuration), 28800);
  const IkeTransform& last = m.proposals[0].transforms[23];
  EXPECT_EQ(last.number, 24);
  EXPECT_EQ(last.attribute(ikev1::kAttrEncryption), ikev1::kEncr3Des);
  EXPECT_EQ(last.attribute(ikev1::kAttrGroup), kDhModp1024);
  EXPECT_EQ(IkeVendorIds::built_in().name(m.vendor_ids[0]), "RFC 3947 NAT-T");
  EXPECT_LT(*size, 1200u) << "fits any path's MTU";
}

TEST(IkeCodec, AnswersOnlyAResponderWithOurSpi) {
  std::string reply = fixture("v2-sa-init");
  std::array<std::uint8_t, 8> cookie;
  std::copy_n(reply.begin(), 8, cookie.begin());
  EXPECT_TRUE(ike::answers(bytes(reply), cookie));
  std::array<std::uint8_t, 8> other = cookie;
  other[7] ^= 1;
  EXPECT_FALSE(ike::answers(bytes(reply), other));
  EXPECT_FALSE(ike::answers(bytes(reply).first(27), cookie));

  // Our own request reflected: IKEv2 without the Response flag, IKEv1
  // Main Mode without a responder cookie.
  std::array<std::uint8_t, kIkeMaxRequestBytes> out{};
  const auto v2 = ike::build_ikev2_sa_init(out, cookie);
  ASSERT_TRUE(v2);
  EXPECT_TRUE(std::equal(cookie.begin(), cookie.end(), out.begin()));
  EXPECT_FALSE(ike::answers(std::span(out).first(*v2), cookie));
  IkeSpi spi;
  std::copy(cookie.begin(), cookie.end(), spi.begin());
  const auto v1 = build_ikev1_main_mode(out, spi);
  ASSERT_TRUE(v1);
  EXPECT_FALSE(ike::answers(std::span(out).first(*v1), cookie));

  // A responder's IKEv1 informational may leave its cookie zero.
  std::string informational = fixture("v1-no-proposal");
  std::fill(informational.begin() + 8, informational.begin() + 16, '\0');
  std::copy_n(informational.begin(), 8, cookie.begin());
  EXPECT_TRUE(ike::answers(bytes(informational), cookie));
  informational[17] = 0x30;
  EXPECT_FALSE(ike::answers(bytes(informational), cookie)) << "IKE version 3";
}

// --- Hostile input -------------------------------------------------------

TEST(IkeParser, ShortOrLyingHeaders) {
  const std::string reply = fixture("v2-sa-init");
  IkeMessage m = parse(reply.substr(0, 27));
  EXPECT_FALSE(m.header_complete);
  ASSERT_TRUE(m.error);

  m = parse(reply.substr(0, 300));
  EXPECT_TRUE(m.header_complete);
  ASSERT_TRUE(m.error);
  EXPECT_EQ(*m.error, "the length field says 540 bytes, the datagram has 300");
  EXPECT_TRUE(m.payloads.empty());

  std::string short_length = reply;
  short_length[27] = 20;
  short_length[26] = 0;
  EXPECT_TRUE(parse(short_length).error);

  std::string v3 = reply;
  v3[17] = 0x30;
  EXPECT_EQ(*parse(v3).error, "version byte 0x30 is neither IKEv1 nor IKEv2");
}

TEST(IkeParser, PayloadLengthLiesKeepWhatCameBefore) {
  std::string reply = fixture("v2-sa-init");
  // The last payload (the vendor ID, 20 bytes) claims 900.
  const std::size_t vid = reply.size() - 20;
  ASSERT_EQ(static_cast<std::uint8_t>(reply[vid + 3]), 20);
  reply[vid + 2] = 0x03;
  reply[vid + 3] = static_cast<char>(0x84);
  IkeMessage m = parse(reply);
  ASSERT_TRUE(m.error);
  EXPECT_EQ(*m.error, "payload 6 (type 43) says 900 bytes, 20 are left");
  EXPECT_EQ(m.proposals.size(), 1u);
  EXPECT_EQ(m.ke_group, kDhModp3072);
  EXPECT_EQ(m.notifies.size(), 2u);
  EXPECT_TRUE(m.vendor_ids.empty());

  reply[vid + 2] = 0;
  reply[vid + 3] = 3;
  EXPECT_EQ(*parse(reply).error, "payload 6 (type 43) says 3 bytes, 20 are left");
}

TEST(IkeParser, SubstructureLies) {
  const std::string reply = fixture("v2-sa-init");
  // SA payload at 28; its proposal at 32 (length at 34, transform count at
  // 39); the first transform at 40 (length at 42), its key length attribute
  // at 48.
  std::string count = reply;
  count[39] = 5;
  EXPECT_EQ(*parse(count).error, "payload 1 (type 33): proposal 1: transform 4 is the last, the proposal declares 5");
  std::string transform = reply;
  transform[43] = 100;
  EXPECT_EQ(*parse(transform).error, "payload 1 (type 33): proposal 1: transform 1 says 100 bytes, 36 are left");
  std::string spi = reply;
  spi[38] = 200;
  EXPECT_EQ(*parse(spi).error, "payload 1 (type 33): proposal 1: a 200-byte SPI past its end");
  std::string attribute = reply;
  attribute[48] = 0x00;  // TV becomes TLV with a 256-byte length
  EXPECT_EQ(*parse(attribute).error,
            "payload 1 (type 33): proposal 1: transform 1: attribute 1 says 256 bytes, 0 are left");
  std::string marker = reply;
  marker[32] = 7;
  EXPECT_EQ(*parse(marker).error, "payload 1 (type 33): proposal 1: substructure type 7, not 0 or 2");
  for (const std::string& bad : {count, transform, spi, attribute, marker}) {
    const IkeMessage m = parse(bad);
    EXPECT_EQ(m.payloads.size(), 1u) << "the walk stops at the SA";
    EXPECT_TRUE(describe_ike_message(m).contains("error"));
  }
}

// Builds a datagram: our header (IKEv2 response) and the payloads given as
// (type, content) in order.
std::string message(const std::vector<std::pair<std::uint8_t, std::string>>& payloads, std::uint8_t version = 0x20) {
  std::string out(28, '\0');
  out[0] = 'S';
  out[8] = 'R';
  out[16] = static_cast<char>(payloads.empty() ? 0 : payloads[0].first);
  out[17] = static_cast<char>(version);
  out[18] = 34;
  out[19] = 0x20;
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    const std::uint8_t next = i + 1 < payloads.size() ? payloads[i + 1].first : 0;
    const std::size_t length = 4 + payloads[i].second.size();
    out += static_cast<char>(next);
    out += '\0';
    out += static_cast<char>(length >> 8);
    out += static_cast<char>(length);
    out += payloads[i].second;
  }
  std::uint8_t length[4];
  put32(length, static_cast<std::uint32_t>(out.size()));
  out.replace(24, 4, reinterpret_cast<const char*>(length), 4);
  return out;
}

TEST(IkeParser, EndlessPayloadChainStopsAtTheCap) {
  const IkeMessage m = parse(message(std::vector<std::pair<std::uint8_t, std::string>>(200, {43, "v"})));
  ASSERT_TRUE(m.error);
  EXPECT_EQ(*m.error, "more than 64 payloads");
  EXPECT_EQ(m.payloads.size(), kIkeMaxPayloads);
  EXPECT_EQ(m.vendor_ids.size(), kIkeMaxPayloads);
}

TEST(IkeParser, UnknownPayloadsAreKeptAndLongValuesCut) {
  const IkeMessage m = parse(message(
      {{200, "xyz"}, {43, std::string(300, 'v')}, {41, std::string("\x00\x00\x40\x06", 4) + std::string(100, 'c')}}));
  ASSERT_FALSE(m.error) << *m.error;
  EXPECT_EQ(m.payloads[0], (IkePayloadInfo{200, 7}));
  EXPECT_EQ(m.vendor_ids[0].size(), kIkeMaxVendorIdBytes);
  EXPECT_EQ(m.notifies[0].data.size(), kIkeMaxNotifyDataBytes);
  EXPECT_EQ(m.notifies[0].data_length, 100u);
  EXPECT_EQ(describe_ike_message(m).at("other_payloads"), (json::array{json::object{{"type", 200}, {"length", 7}}}));

  std::string encrypted = message({{46, "ciphertext"}, {43, "never read"}});
  const IkeMessage sk = parse(encrypted);
  EXPECT_TRUE(sk.encrypted);
  EXPECT_TRUE(sk.vendor_ids.empty());
  std::string v1 = message({{13, "vid"}}, 0x10);
  v1[19] = ikev1::kFlagEncrypted;
  EXPECT_TRUE(parse(v1).encrypted);
  EXPECT_TRUE(parse(v1).payloads.empty());
}

// --- Vendor IDs ----------------------------------------------------------

TEST(IkeVendorIds, BuiltInListParsesAndItsExamplesHold) {
  std::ifstream in(std::string(FUMIDAI_TEST_DATA_DIR) + "/../../../scanner/data/ike-vendor-ids.conf");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(text.empty());
  const auto parsed = IkeVendorIds::parse(text, "ike-vendor-ids.conf");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->size(), IkeVendorIds::built_in().size());
  // "#   HEX  → NAME" lines of the comment block.
  int examples = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const std::size_t arrow = line.find("→");
    if (!line.starts_with("#   ") || arrow == std::string::npos) continue;
    std::istringstream fields(line.substr(1, arrow - 1));
    std::string h;
    fields >> h;
    std::string vid;
    for (std::size_t i = 0; i + 1 < h.size(); i += 2)
      vid.push_back(static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16)));
    std::string name = line.substr(arrow + std::string("→").size() + 1);
    if (name == "(none: recorded as hex)") name.clear();
    EXPECT_EQ(IkeVendorIds::built_in().name(vid), name) << line;
    ++examples;
  }
  EXPECT_GE(examples, 8);
}

TEST(IkeVendorIds, LongestPrefixWins) {
  const auto ids = IkeVendorIds::parse("# comment\n0a0b short\n0a0b0c longer  # trailing comment\n\nff x\n", "test");
  ASSERT_TRUE(ids);
  EXPECT_EQ(ids->size(), 3u);
  EXPECT_EQ(ids->name("\x0a\x0b\x0c\x0d"), "longer");
  EXPECT_EQ(ids->name("\x0a\x0b\x0d"), "short");
  EXPECT_EQ(ids->name("\x0a"), "");
  EXPECT_EQ(ids->name(""), "");
}

TEST(IkeVendorIds, BadLinesNameTheLine) {
  const auto error = [](std::string_view text) {
    const auto ids = IkeVendorIds::parse(text, "f");
    return ids ? std::string() : ids.error().message;
  };
  EXPECT_EQ(error("0a0b\n"), "f:1: expected \"HEXPREFIX name\": \"0a0b\"");
  EXPECT_EQ(error("ok name\n0a0 odd\n").substr(0, 4), "f:1:");
  EXPECT_EQ(error("0a name\n0a0 odd\n").substr(0, 4), "f:2:");
  EXPECT_NE(error("0g bad hex\n").find("not hex"), std::string::npos);
  EXPECT_NE(error("0A one\n0a two\n").find("listed twice"), std::string::npos);
  EXPECT_NE(error(std::string(130, 'a') + " long\n").find("1 to 64 bytes"), std::string::npos);
  EXPECT_NE(error("0a " + std::string(101, 'n') + "\n").find("over 100 bytes"), std::string::npos);
}

// --- The probe through the engine ------------------------------------------

// The engine on a ManualClock (support/GrabHarness.h), every target with "ike".
test::GrabHarness ike_harness() {
  GrabOptions o = test::quick_grab_options();
  o.read_timeout = 2s;
  o.total_timeout = 30s;
  return test::GrabHarness(o, "ike");
}

// A reply fixture re-addressed to the request's initiator SPI.
std::string answer(std::string reply, const std::string& request) {
  reply.replace(0, 8, request, 0, 8);
  return reply;
}

bool is_v2(const std::string& request) { return request.size() > 17 && request[17] == 0x20; }

// strongSwan as captured: MODP3072 wanted, a cookie demanded first when
// `want_cookie`; IKEv1 answered with Main Mode.
std::vector<std::string> strongswan(const std::string& request, bool want_cookie) {
  if (!is_v2(request)) return {answer(fixture("v1-main-mode"), request)};
  const IkeMessage m = parse_ike_message(bytes(request));
  const IkeNotify* cookie = m.find_notify(ikev2::kNotifyCookie);
  if (want_cookie && (cookie == nullptr || cookie->data != fixture("v2-cookie").substr(36)))
    return {answer(fixture("v2-cookie"), request)};
  if (m.ke_group != kDhModp3072) return {answer(fixture("v2-invalid-ke"), request)};
  return {answer(fixture("v2-sa-init"), request)};
}

TEST(IkeProbe, FollowsInvalidKeAndRecordsBothVersions) {
  LoopbackUdpServer server([](const std::string& d) { return strongswan(d, false); });
  test::GrabHarness h = ike_harness();
  const GrabRecord r = h.grab(server.port(), Transport::udp);
  EXPECT_EQ(to_string(r.status), "success") << r.error;
  EXPECT_EQ(r.protocol, "ike");
  const json::object& v2 = r.data.at("ikev2").as_object();
  EXPECT_EQ(v2.at("invalid_ke_group"), "modp3072");
  EXPECT_EQ(v2.at("proposal").at("dh_group"), "modp3072");
  EXPECT_FALSE(v2.contains("cookie_required"));
  EXPECT_EQ(r.data.at("ikev1").at("proposal").at("auth"), "psk");
  EXPECT_EQ(r.data.at("versions"), (json::array{"ikev2", "ikev1"}));
  EXPECT_EQ(r.data.at("vendor_ids").as_array().size(), 5u) << "strongSwan's, once, and IKEv1's four";
  EXPECT_EQ(server.datagrams(), 3);
}

TEST(IkeProbe, EchoesTheCookieOnce) {
  LoopbackUdpServer server([](const std::string& d) { return strongswan(d, true); });
  test::GrabHarness h = ike_harness();
  const GrabRecord r = h.grab(server.port(), Transport::udp);
  EXPECT_EQ(to_string(r.status), "success") << r.error;
  const json::object& v2 = r.data.at("ikev2").as_object();
  EXPECT_EQ(v2.at("cookie_required"), true);
  EXPECT_EQ(v2.at("invalid_ke_group"), "modp3072");
  EXPECT_EQ(v2.at("ke_group"), "modp3072");
  EXPECT_EQ(server.datagrams(), 4);
}

TEST(IkeProbe, SkipsForeignDatagramsAndItsOwnReflection) {
  LoopbackUdpServer server([](const std::string& d) {
    std::string wrong = answer(fixture(is_v2(d) ? "v2-no-proposal" : "v1-no-proposal"), d);
    wrong[3] ^= 0x55;
    return std::vector<std::string>{d, wrong, d.substr(0, 20),
                                    answer(fixture(is_v2(d) ? "v2-no-proposal" : "v1-no-proposal"), d)};
  });
  test::GrabHarness h = ike_harness();
  const GrabRecord r = h.grab(server.port(), Transport::udp);
  EXPECT_EQ(to_string(r.status), "success") << r.error;
  EXPECT_EQ(r.data.at("ikev2").at("notifies").at(0).at("name"), "NO_PROPOSAL_CHOSEN");
  EXPECT_EQ(r.data.at("ikev1").at("notifies").at(0).at("name"), "NO-PROPOSAL-CHOSEN");
  EXPECT_EQ(server.datagrams(), 2);
}

TEST(IkeProbe, AnIkev1OnlyServer) {
  LoopbackUdpServer server([](const std::string& d) {
    return is_v2(d) ? std::vector<std::string>{} : std::vector<std::string>{answer(fixture("v1-main-mode"), d)};
  });
  test::GrabHarness h = ike_harness();
  const GrabRecord r = h.grab(server.port(), Transport::udp);
  EXPECT_EQ(to_string(r.status), "success") << r.error;
  EXPECT_EQ(r.data.at("ikev2").at("io_error"), "read timed out");
  EXPECT_EQ(r.data.at("versions"), (json::array{"ikev1"}));
  EXPECT_EQ(server.datagrams(), 3) << "IKEv2 and its resend, then IKEv1";
}

TEST(IkeProbe, LyingRepliesAreProtocolErrorsWithWhatWasRead) {
  LoopbackUdpServer server([](const std::string& d) {
    std::string reply = answer(fixture(is_v2(d) ? "v2-sa-init" : "v1-main-mode"), d);
    reply[reply.size() - 17] = 0x7f;  // the last payload's length: 0x7f.. bytes
    return std::vector<std::string>{reply};
  });
  test::GrabHarness h = ike_harness();
  const GrabRecord r = h.grab(server.port(), Transport::udp);
  EXPECT_EQ(to_string(r.status), "protocol-error");
  EXPECT_EQ(r.error.substr(0, 7), "ikev2: ");
  EXPECT_NE(r.error.find("says"), std::string::npos) << r.error;
  EXPECT_EQ(r.data.at("ikev2").at("proposal").at("dh_group"), "modp3072");
  EXPECT_TRUE(r.data.at("ikev1").as_object().contains("error"));
  EXPECT_EQ(r.data.at("versions"), json::array{});
}

TEST(IkeProbe, EndlessChainAndTruncatedMessage) {
  LoopbackUdpServer server([](const std::string& d) {
    if (!is_v2(d)) return std::vector<std::string>{answer(fixture("v1-main-mode").substr(0, 100), d)};
    return std::vector<std::string>{
        answer(message(std::vector<std::pair<std::uint8_t, std::string>>(1000, {43, ""})), d)};
  });
  test::GrabHarness h = ike_harness();
  const GrabRecord r = h.grab(server.port(), Transport::udp);
  EXPECT_EQ(to_string(r.status), "protocol-error");
  EXPECT_EQ(r.error, "ikev2: more than 64 payloads");
  EXPECT_EQ(r.data.at("ikev1").at("error"), "the length field says 180 bytes, the datagram has 100");
}

TEST(IkeProbe, SilenceIsAnIoTimeout) {
  LoopbackUdpServer server([](const std::string& d) {
    return std::vector<std::string>{d.substr(0, 27)};  // never an answer: too short to name our SPI
  });
  test::GrabHarness h = ike_harness();
  const GrabRecord r = h.grab(server.port(), Transport::udp);
  EXPECT_EQ(to_string(r.status), "io-timeout");
  EXPECT_EQ(r.data.at("versions"), json::array{});
  EXPECT_EQ(server.datagrams(), 4);
}

}  // namespace
}  // namespace fumidai::scanner
