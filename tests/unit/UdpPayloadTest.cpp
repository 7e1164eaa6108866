// The UDP payload registry, its port map, and the DNS, SSDP and empty
// payloads with their reply parsers.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "fumidai/scanner/packet/ByteOrder.h"
#include "fumidai/scanner/packet/UdpProbeBuilder.h"
#include "fumidai/scanner/probes/dns/DnsReply.h"
#include "fumidai/scanner/probes/l2tp/L2tpControl.h"
#include "fumidai/scanner/probes/upnp/SsdpResponse.h"
#include "fumidai/scanner/udp/DnsPayload.h"
#include "fumidai/scanner/udp/EmptyPayload.h"
#include "fumidai/scanner/udp/SsdpPayload.h"
#include "fumidai/scanner/udp/UdpPayloadProfile.h"

using namespace fumidai;
using namespace fumidai::scanner;

namespace {

std::shared_ptr<const UdpPayloadRegistry> builtin_registry() {
  auto registry = std::make_shared<UdpPayloadRegistry>();
  register_builtin_udp_payloads(*registry);
  return registry;
}

std::span<const std::uint8_t> bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

UdpCookie cookie() {
  UdpCookie c;
  c.bytes = {0xab, 0xcd, 3, 4, 5, 6, 7, 8};
  return c;
}

// A DNS header with `id`, flags, and the counts; the rest appended.
std::vector<std::uint8_t> dns(std::uint16_t id, std::uint8_t flags1, std::uint8_t flags2, std::uint16_t questions,
                              std::uint16_t answers, std::vector<std::uint8_t> rest = {}) {
  rest.insert(rest.begin(), 12, 0);
  put16(&rest[0], id);
  rest[2] = flags1;
  rest[3] = flags2;
  put16(&rest[4], questions);
  put16(&rest[6], answers);
  return rest;
}

void append(std::vector<std::uint8_t>& to, std::initializer_list<std::uint8_t> more) {
  to.insert(to.end(), more.begin(), more.end());
}

const std::vector<std::uint8_t> kQuestion{7, 'v', 'e', 'r', 's', 'i', 'o', 'n', 4, 'b', 'i', 'n', 'd', 0, 0, 16, 0, 3};

}  // namespace

TEST(UdpPayloadProfile, BuiltInMapsPortsAndFallsBack) {
  const auto profile = UdpPayloadProfile::built_in();
  EXPECT_EQ(profile.payload_for(53)->name(), "dns");
  EXPECT_EQ(profile.payload_for(1900)->name(), "upnp");
  EXPECT_EQ(profile.payload_for(161)->name(), "empty");
  EXPECT_EQ(profile.fallback().name(), "empty");
  const auto listed = profile.listed();
  ASSERT_GE(listed.size(), 2u);
  for (std::size_t i = 1; i < listed.size(); ++i) EXPECT_LT(listed[i - 1].first, listed[i].first);
  for (const auto& [port, payload] : listed) EXPECT_LE(payload->max_size(), UdpProbeBuilder::kMaxPayload);
}

TEST(UdpPayloadProfile, ParsesFilesAndNamesTheBadLine) {
  const auto registry = builtin_registry();
  auto ok = UdpPayloadProfile::parse("# comment\r\n\n5300 dns  # mine\r\n*\tupnp\n", "f", registry);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->payload_for(5300)->name(), "dns");
  EXPECT_EQ(ok->payload_for(53)->name(), "upnp");
  const auto error = [&](std::string_view text) {
    auto r = UdpPayloadProfile::parse(text, "f", registry);
    EXPECT_FALSE(r) << text;
    return r ? std::string() : r.error().message;
  };
  EXPECT_EQ(error("53 dns\n53 dns\n* empty\n"), "f:2: port 53 is listed twice");
  EXPECT_EQ(error("53 dnss\n* empty\n"), "f:1: unknown UDP payload \"dnss\"");
  EXPECT_EQ(error("0 dns\n* empty\n"), "f:1: bad port \"0\"");
  EXPECT_EQ(error("65536 dns\n* empty\n"), "f:1: bad port \"65536\"");
  EXPECT_EQ(error("53\n* empty\n"), "f:1: expected \"PORT PAYLOAD\", got \"53\"");
  EXPECT_EQ(error("* dns\n* empty\n"), "f:2: a second \"*\" line");
  EXPECT_EQ(error("53 dns\n"), "f: no \"* PAYLOAD\" line for the ports not listed");
  EXPECT_FALSE(UdpPayloadProfile::load_file("/nonexistent/udp.conf", registry));
}

TEST(UdpPayloadRegistry, RefusesADuplicateName) {
  UdpPayloadRegistry registry;
  EXPECT_TRUE(registry.add(std::make_unique<DnsPayload>()));
  EXPECT_FALSE(registry.add(std::make_unique<DnsPayload>()));
  EXPECT_EQ(registry.names(), std::vector<std::string>{"dns"});
  EXPECT_EQ(registry.find("ike"), nullptr);
}

TEST(DnsPayload, QueriesVersionBindWithTheCookieAsId) {
  const DnsPayload payload;
  std::vector<std::uint8_t> out(payload.max_size(), 0xee);
  ASSERT_EQ(payload.build(cookie(), out), 30u);
  EXPECT_EQ(out[0], 0xab);
  EXPECT_EQ(out[1], 0xcd);
  EXPECT_EQ(out[2], 0);  // a standard query, no recursion asked for
  EXPECT_EQ(get16(&out[4]), 1);
  EXPECT_EQ(std::vector<std::uint8_t>(out.begin() + 12, out.end()), kQuestion);
  // What a DNS library makes of it: one question, nothing else.
  const auto parsed = DnsReply::parse(out);
  ASSERT_TRUE(parsed);
  EXPECT_FALSE(parsed->response);
  EXPECT_EQ(parsed->questions, 1);
  EXPECT_TRUE(parsed->error.empty());
}

TEST(DnsPayload, ValidatesIdQrAndOpcode) {
  const DnsPayload payload;
  EXPECT_TRUE(payload.validate(dns(0xabcd, 0x84, 0x00, 1, 0, kQuestion), cookie()));
  EXPECT_TRUE(payload.validate(dns(0xabcd, 0x80, 0x05, 0, 0), cookie()));              // REFUSED without the question
  EXPECT_FALSE(payload.validate(dns(0xabce, 0x84, 0x00, 1, 0, kQuestion), cookie()));  // wrong ID
  EXPECT_FALSE(payload.validate(dns(0xabcd, 0x04, 0x00, 1, 0, kQuestion), cookie()));  // a query, not a reply
  EXPECT_FALSE(payload.validate(dns(0xabcd, 0x84 | 0x10, 0x00, 1, 0), cookie()));      // opcode 2
  const auto header = dns(0xabcd, 0x84, 0, 0, 0);
  EXPECT_FALSE(payload.validate(std::span(header).first(11), cookie()));
}

TEST(DnsPayload, DescribesVersionAndRcode) {
  const DnsPayload payload;
  std::vector<std::uint8_t> answer = kQuestion;
  // Answer: pointer to the question's name, TXT CH, TTL 0, two strings.
  append(answer, {0xc0, 12, 0, 16, 0, 3, 0, 0, 0, 0, 0, 11, 5, 'B', 'I', 'N', 'D', ' ', 4, '9', '.', '1', '8'});
  const auto message = dns(0xabcd, 0x84, 0x00, 1, 1, answer);
  auto data = payload.describe(message);
  EXPECT_EQ(data.at("rcode").as_string(), "NOERROR");
  EXPECT_EQ(data.at("authoritative").as_bool(), true);
  EXPECT_EQ(data.at("answers").to_number<std::int64_t>(), 1);
  EXPECT_EQ(data.at("version").as_string(), "BIND 9.18");
  EXPECT_FALSE(data.contains("error"));
  data = payload.describe(dns(0xabcd, 0x82, 0x84, 0, 0));
  EXPECT_EQ(data.at("rcode").as_string(), "NOTIMP");
  EXPECT_EQ(data.at("recursion_available").as_bool(), true);
  EXPECT_EQ(data.at("truncated").as_bool(), true);
  EXPECT_FALSE(data.contains("version"));
  EXPECT_EQ(payload.describe(dns(1, 0x80, 0x0b, 0, 0)).at("rcode").as_string(), "11");
  EXPECT_EQ(payload.describe(std::span(message).first(5)).at("error").as_string(), "shorter than a DNS header");
}

TEST(DnsReply, BadInputEndsInAnErrorNotACrash) {
  // The answer's data runs past the end.
  std::vector<std::uint8_t> answer = kQuestion;
  append(answer, {0xc0, 12, 0, 16, 0, 3, 0, 0, 0, 0, 0xff, 0xff, 1, 'x'});
  EXPECT_EQ(DnsReply::parse(dns(1, 0x80, 0, 1, 1, answer))->error, "answer data past the end of the message");
  // A TXT string longer than its record.
  answer = kQuestion;
  append(answer, {0xc0, 12, 0, 16, 0, 3, 0, 0, 0, 0, 0, 2, 9, 'x'});
  EXPECT_EQ(DnsReply::parse(dns(1, 0x80, 0, 1, 1, answer))->error, "malformed TXT answer");
  // A question name with a reserved label type, one running off the end, one too long.
  EXPECT_EQ(DnsReply::parse(dns(1, 0x80, 0, 1, 0, {0x40, 'a', 0, 0, 16, 0, 3}))->error,
            "truncated or malformed question");
  EXPECT_FALSE(DnsReply::parse(dns(1, 0x80, 0, 1, 0, {5, 'a', 'b'}))->error.empty());
  std::vector<std::uint8_t> long_name;
  for (int i = 0; i < 5; ++i) {
    long_name.push_back(63);
    long_name.insert(long_name.end(), 63, 'a');
  }
  long_name.insert(long_name.end(), {0, 0, 16, 0, 3});
  EXPECT_FALSE(DnsReply::parse(dns(1, 0x80, 0, 1, 0, long_name))->error.empty());
  // A pointer to itself is skipped, never followed; 65535 answers claimed, none there.
  const auto looped = DnsReply::parse(dns(1, 0x80, 0, 1, 0xffff, {0xc0, 12, 0, 16, 0, 3}));
  EXPECT_EQ(looped->error, "truncated or malformed answer");
  // Many genuine answers: only kMaxAnswers are walked.
  std::vector<std::uint8_t> many = kQuestion;
  for (int i = 0; i < 100; ++i) append(many, {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4});
  const auto parsed = DnsReply::parse(dns(1, 0x80, 0, 1, 100, many));
  EXPECT_TRUE(parsed->error.empty());
  EXPECT_TRUE(parsed->txt.empty());
  EXPECT_EQ(parsed->answers, 100);
}

// SsdpResponse itself: UpnpTest.cpp.
TEST(SsdpPayload, SendsAUnicastMSearchAndDescribesTheAnswer) {
  const SsdpPayload payload;
  std::vector<std::uint8_t> out(payload.max_size());
  const std::size_t n = payload.build(cookie(), out);
  const std::string_view text(reinterpret_cast<const char*>(out.data()), n);
  EXPECT_TRUE(text.starts_with("M-SEARCH * HTTP/1.1\r\n"));
  EXPECT_NE(text.find("\r\nMAN: \"ssdp:discover\"\r\n"), std::string_view::npos);
  EXPECT_NE(text.find("\r\nST: upnp:rootdevice\r\n"), std::string_view::npos);
  EXPECT_TRUE(text.ends_with("\r\n\r\n"));
  EXPECT_TRUE(payload.validate(bytes("HTTP/1.1 200 OK\r\n\r\n"), cookie()));
  EXPECT_FALSE(payload.validate(bytes(text), cookie()));  // our own request reflected
  constexpr char kRaw[] = "HTTP/1.1 200 OK\r\nSERVER: \xff\0x\r\n\r\n";
  const auto data = payload.describe(bytes({kRaw, sizeof kRaw - 1}));
  EXPECT_EQ(data.at("status_code").to_number<std::int64_t>(), 200);
  EXPECT_EQ(data.at("server").as_string(), "\xef\xbf\xbd\xef\xbf\xbdx");  // invalid UTF-8 and NUL replaced
  EXPECT_FALSE(data.contains("location"));
}

TEST(EmptyPayload, SendsNothingAndKeepsTheFirstBytes) {
  const EmptyPayload payload;
  std::vector<std::uint8_t> out(1);
  EXPECT_EQ(payload.build(cookie(), out), 0u);
  EXPECT_TRUE(payload.validate({}, cookie()));
  const std::string big(1000, 'a');
  const auto data = payload.describe(bytes(big));
  EXPECT_EQ(data.at("length").to_number<std::int64_t>(), 1000);
  EXPECT_EQ(data.at("first_bytes").as_string().size(), EmptyPayload::kFirstBytesKept);
}

// IKE, L2TP and OpenVPN: the stage-2 modules' codecs, with the cookie in
// the protocol's own ID field; a reflected request never validates.
TEST(CodecPayloads, CarryTheCookieAndRejectTheirOwnRequest) {
  const auto registry = builtin_registry();
  const UdpCookie c = cookie();
  for (const auto& [name, offset, width] :
       std::initializer_list<std::tuple<std::string_view, std::size_t, std::size_t>>{
           {"ike", 0, 8}, {"ike-natt", 4, 8}, {"openvpn-udp", 1, 8}}) {
    const UdpPayload* payload = registry->find(name);
    ASSERT_NE(payload, nullptr) << name;
    std::vector<std::uint8_t> out(payload->max_size());
    const std::size_t size = payload->build(c, out);
    EXPECT_EQ(size, payload->max_size()) << name;
    EXPECT_LE(size, UdpProbeBuilder::kMaxPayload) << name;
    EXPECT_TRUE(std::equal(c.bytes.begin(), c.bytes.begin() + width, out.begin() + offset)) << name;
    EXPECT_FALSE(payload->validate(std::span(out.data(), size), c)) << name;
  }
  const UdpPayload* l2tp = registry->find("l2tp");
  ASSERT_NE(l2tp, nullptr);
  std::vector<std::uint8_t> out(l2tp->max_size());
  const std::size_t size = l2tp->build(c, out);
  EXPECT_EQ(l2tp::parse_message(std::span(out.data(), size)).assigned_tunnel_id, std::optional(c.first16()));
  EXPECT_FALSE(l2tp->validate(std::span(out.data(), size), c));
}
