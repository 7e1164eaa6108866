// Stage-1 UDP: the frame builder, the reply and ICMP parsers, the UDP cookie
// and the receive side's validation (ResponseProcessor).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/core/ManualClock.h"
#include "fumidai/scanner/packet/ByteOrder.h"
#include "fumidai/scanner/packet/Checksum.h"
#include "fumidai/scanner/packet/ReplyParser.h"
#include "fumidai/scanner/packet/UdpProbeBuilder.h"
#include "fumidai/scanner/scan/ResponseProcessor.h"
#include "fumidai/scanner/udp/UdpCookie.h"
#include "fumidai/scanner/udp/UdpPayloadProfile.h"

using namespace fumidai;
using namespace fumidai::scanner;

namespace {

constexpr std::uint32_t kScanner = 0xC0000202;  // 192.0.2.2
constexpr std::uint32_t kTarget = 0xC6130035;   // 198.19.0.53

class CollectingOutput : public OutputModule {
 public:
  void write(const ScanResult& r) override { results.push_back(r); }
  Result<> finish() override { return {}; }
  std::vector<ScanResult> results;
};

std::span<const std::uint8_t> bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// A UDP frame from source:sport to destination:dport carrying `payload`.
std::vector<std::uint8_t> udp_frame(std::uint32_t source, std::uint16_t sport, std::uint32_t destination,
                                    std::uint16_t dport, std::span<const std::uint8_t> payload) {
  const UdpProbeBuilder builder({2, 0, 0, 0, 0, 1}, {2, 0, 0, 0, 0, 2}, source);
  std::vector<std::uint8_t> frame(UdpProbeBuilder::kHeaderSize + payload.size());
  std::copy(payload.begin(), payload.end(), frame.begin() + UdpProbeBuilder::kHeaderSize);
  builder.build({destination, dport, sport, 7}, payload.size(), frame);
  return frame;
}

// An ICMP destination unreachable from `from` to the scanner, quoting the IP
// packet of `probe` (a frame) cut to `quote_bytes` bytes.
std::vector<std::uint8_t> icmp_frame(std::uint32_t from, std::uint8_t code, const std::vector<std::uint8_t>& probe,
                                     std::size_t quote_bytes = 28) {
  const std::size_t quoted = std::min(quote_bytes, probe.size() - 14);
  std::vector<std::uint8_t> f(14 + 20 + 8 + quoted);
  put16(&f[12], 0x0800);
  f[14] = 0x45;
  put16(&f[16], static_cast<std::uint16_t>(20 + 8 + quoted));
  f[14 + 8] = 64;
  f[14 + 9] = 1;
  put32(&f[14 + 12], from);
  put32(&f[14 + 16], get32(&probe[14 + 12]));  // back to the probe's source
  put16(&f[14 + 10], checksum_finish(checksum_partial({&f[14], 20})));
  f[34] = 3;
  f[35] = code;
  std::copy(probe.begin() + 14, probe.begin() + 14 + static_cast<std::ptrdiff_t>(quoted), f.begin() + 42);
  put16(&f[36], checksum_finish(checksum_partial({&f[34], 8 + quoted})));
  return f;
}

// The probe fumidai sends to target:port (probe number k), payload included.
std::vector<std::uint8_t> probe_frame(const ProbeValidator& v, const UdpPayloadProfile& profile, std::uint32_t target,
                                      std::uint16_t port, std::uint32_t k = 0) {
  const ProbeCookie c = v.cookie(kScanner, target, port, Transport::udp);
  std::vector<std::uint8_t> frame(UdpProbeBuilder::kMaxFrameSize);
  const std::size_t n =
      profile.payload_for(port)->build(UdpCookie::from(c), std::span(frame).subspan(UdpProbeBuilder::kHeaderSize));
  const UdpProbeBuilder builder({0}, {0}, kScanner);
  frame.resize(builder.build({target, port, v.source_port(c, k), 1}, n, frame));
  return frame;
}

// A version.bind answer, as dnsmasq sends it, to the query with `id`.
std::vector<std::uint8_t> dns_answer(std::uint16_t id, std::uint8_t flags2 = 0x84) {
  std::vector<std::uint8_t> m{0,   0,   flags2, 0,   0,   1,   0,   1,   0,   0,   0,   0,   7,  'v',
                              'e', 'r', 's',    'i', 'o', 'n', 4,   'b', 'i', 'n', 'd', 0,   0,  16,
                              0,   3,   0xc0,   12,  0,   16,  0,   3,   0,   0,   0,   0,   0,  13,
                              12,  'd', 'n',    's', 'm', 'a', 's', 'q', '-', '2', '.', '8', '9'};
  put16(m.data(), id);
  return m;
}

}  // namespace

TEST(UdpProbeBuilder, WritesValidChecksumsForEveryPayloadSize) {
  const UdpProbeBuilder builder({2, 0, 0, 0, 0, 1}, {2, 0, 0, 0, 0, 2}, kScanner);
  std::vector<std::uint8_t> frame(UdpProbeBuilder::kMaxFrameSize);
  for (std::uint32_t i = 0; i < 1000; ++i) {
    const std::size_t payload = i % 2 == 0 ? i % 97 : (i * 13) % (UdpProbeBuilder::kMaxPayload + 1);
    for (std::size_t b = 0; b < payload; ++b)
      frame[UdpProbeBuilder::kHeaderSize + b] = static_cast<std::uint8_t>(i + b);
    const UdpProbe p{0xC6120000 + i * 7919, static_cast<std::uint16_t>(1 + i * 31),
                     static_cast<std::uint16_t>(32768 + i), static_cast<std::uint16_t>(i * 13)};
    const std::size_t size = builder.build(p, payload, frame);
    ASSERT_EQ(size, UdpProbeBuilder::kHeaderSize + payload);
    const std::span<const std::uint8_t> ip(frame.data() + 14, 20), udp(frame.data() + 34, 8 + payload);
    ASSERT_EQ(checksum_finish(checksum_partial(ip)), 0) << i;
    ASSERT_EQ(checksum_finish(checksum_partial(
                  udp, pseudo_header_sum(kScanner, p.destination, 17, static_cast<std::uint16_t>(8 + payload)))),
              0)
        << i;
    ASSERT_NE(get16(frame.data() + 40), 0);  // a zero checksum would mean "none"
    // The parser reads back what the builder wrote.
    const auto parsed = parse_udp_reply({frame.data(), size});
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->destination, p.destination);
    EXPECT_EQ(parsed->source_port, p.source_port);
    EXPECT_EQ(parsed->destination_port, p.destination_port);
    EXPECT_EQ(parsed->payload.size(), payload);
    EXPECT_FALSE(parsed->truncated);
  }
}

TEST(ReplyParser, UdpRejectsTruncatedAndMalformedFrames) {
  const auto frame = udp_frame(kTarget, 53, kScanner, 40000, bytes("hello"));
  for (std::size_t len = 0; len < UdpProbeBuilder::kHeaderSize; ++len)
    EXPECT_FALSE(parse_udp_reply({frame.data(), len})) << len;
  // Cut short by the capture limit: the payload ends where the capture does.
  for (std::size_t len = UdpProbeBuilder::kHeaderSize; len < frame.size(); ++len) {
    const auto cut = parse_udp_reply({frame.data(), len});
    ASSERT_TRUE(cut) << len;
    EXPECT_TRUE(cut->truncated);
    EXPECT_EQ(cut->payload.size(), len - UdpProbeBuilder::kHeaderSize);
  }
  ASSERT_TRUE(parse_udp_reply(frame));
  EXPECT_FALSE(parse_udp_reply(frame)->truncated);
  EXPECT_FALSE(parse_tcp_reply(frame));
  EXPECT_FALSE(parse_icmp_unreachable(frame));
  auto mutated = frame;
  put16(&mutated[38], 7);  // UDP length below its header
  EXPECT_FALSE(parse_udp_reply(mutated));
  mutated = frame;
  put16(&mutated[38], 14);  // UDP length past the IP packet
  EXPECT_FALSE(parse_udp_reply(mutated));
  mutated[20] = 0x20;  // ... unless it is a first fragment: then the payload is cut short
  const auto first_fragment = parse_udp_reply(mutated);
  ASSERT_TRUE(first_fragment);
  EXPECT_TRUE(first_fragment->truncated);
  EXPECT_EQ(first_fragment->payload.size(), 5u);
  mutated = frame;
  mutated[21] = 1;  // a later fragment
  EXPECT_FALSE(parse_udp_reply(mutated));
  mutated = frame;
  put16(&mutated[38], 10);  // a shorter UDP length than the packet: the payload ends there
  ASSERT_TRUE(parse_udp_reply(mutated));
  EXPECT_EQ(parse_udp_reply(mutated)->payload.size(), 2u);
}

TEST(ReplyParser, IcmpQuoteNamesTheProbe) {
  const std::string payload(400, 'x');
  const auto probe = udp_frame(kScanner, 41000, kTarget, 161, bytes(payload));
  const auto icmp = icmp_frame(kTarget, 3, probe);
  const auto parsed = parse_icmp_unreachable(icmp);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->source, kTarget);
  EXPECT_EQ(parsed->destination, kScanner);
  EXPECT_EQ(parsed->code, IcmpUnreachable::kPortUnreachable);
  EXPECT_EQ(parsed->quoted_source, kScanner);
  EXPECT_EQ(parsed->quoted_destination, kTarget);
  EXPECT_EQ(parsed->quoted_source_port, 41000);
  EXPECT_EQ(parsed->quoted_destination_port, 161);
  // Linux quotes the whole datagram; that parses the same, also when the
  // capture keeps only the headers.
  const auto whole = icmp_frame(kTarget, 3, probe, 576);
  ASSERT_TRUE(parse_icmp_unreachable(whole));
  ASSERT_TRUE(parse_icmp_unreachable({whole.data(), icmp.size()}));
  for (std::size_t len = 0; len < icmp.size(); ++len) EXPECT_FALSE(parse_icmp_unreachable({icmp.data(), len})) << len;
  EXPECT_FALSE(parse_icmp_unreachable(icmp_frame(kTarget, 3, probe, 27)));  // quote ends inside the UDP header
  auto mutated = icmp;
  mutated[34] = 11;  // time exceeded
  EXPECT_FALSE(parse_icmp_unreachable(mutated));
  mutated = icmp;
  mutated[42 + 9] = 6;  // about a TCP segment
  EXPECT_FALSE(parse_icmp_unreachable(mutated));
  mutated = icmp;
  mutated[42] = 0x46;  // quoted IHL 24: the UDP header would end past the quote
  EXPECT_FALSE(parse_icmp_unreachable(mutated));
  mutated = icmp;
  mutated[42 + 7] = 8;  // about a later fragment
  EXPECT_FALSE(parse_icmp_unreachable(mutated));
}

TEST(ProbeValidator, UdpCookieDiffersFromTcpAndChecksSourcePorts) {
  const ProbeValidator v({1, 2}, 32768, 61000, 2);
  const ProbeCookie tcp = v.cookie(kScanner, kTarget, 53);
  const ProbeCookie udp = v.cookie(kScanner, kTarget, 53, Transport::udp);
  EXPECT_FALSE(tcp.sequence == udp.sequence && tcp.port_word == udp.port_word);
  EXPECT_TRUE(v.is_source_port(udp, v.source_port(udp, 0)));
  EXPECT_TRUE(v.is_source_port(udp, v.source_port(udp, 1)));
  EXPECT_FALSE(v.is_source_port(udp, v.source_port(udp, 2)));
  EXPECT_FALSE(v.is_source_port(udp, 80));
  const UdpCookie c = UdpCookie::from(udp);
  EXPECT_EQ(c.first16(), udp.sequence >> 16);
  EXPECT_EQ(get32(c.bytes.data() + 4), udp.port_word);
}

class UdpResponseTest : public ::testing::Test {
 protected:
  UdpResponseTest() : processor(validator, kScanner, true, out, clock, counters, &profile) {}

  std::uint16_t sport(std::uint32_t target, std::uint16_t port, std::uint32_t k = 0) const {
    return validator.source_port(validator.cookie(kScanner, target, port, Transport::udp), k);
  }
  std::uint16_t txid(std::uint32_t target, std::uint16_t port) const {
    return UdpCookie::from(validator.cookie(kScanner, target, port, Transport::udp)).first16();
  }

  ProbeValidator validator{{11, 12}, 32768, 61000, 2};
  UdpPayloadProfile profile = UdpPayloadProfile::built_in();
  ManualClock clock;
  ScanCounters counters;
  CollectingOutput out;
  ResponseProcessor processor;
};

TEST_F(UdpResponseTest, GenuineDnsReplyIsOpenWithItsDescription) {
  const auto answer = dns_answer(txid(kTarget, 53));
  processor.handle_frame(udp_frame(kTarget, 53, kScanner, sport(kTarget, 53, 1), answer));
  processor.handle_frame(udp_frame(kTarget, 53, kScanner, sport(kTarget, 53, 0), answer));  // the other probe's
  ASSERT_EQ(out.results.size(), 1u);
  const ScanResult& r = out.results[0];
  EXPECT_EQ(r.ip, kTarget);
  EXPECT_EQ(r.port, 53);
  EXPECT_EQ(r.transport, Transport::udp);
  EXPECT_EQ(r.status, ScanResult::Status::open);
  EXPECT_EQ(r.protocol, "dns");
  const auto data = boost::json::parse(r.data).as_object();
  EXPECT_EQ(data.at("version").as_string(), "dnsmasq-2.89");
  EXPECT_EQ(data.at("rcode").as_string(), "NOERROR");
  EXPECT_EQ(counters.open.load(), 1u);
  EXPECT_EQ(counters.udp_open.load(), 1u);
  EXPECT_EQ(counters.duplicates.load(), 1u);
  EXPECT_EQ(counters.invalid.load(), 0u);
}

TEST_F(UdpResponseTest, RejectsRepliesThatDoNotMatchAProbe) {
  const std::uint16_t id = txid(kTarget, 53);
  const auto answer = dns_answer(id);
  const std::uint16_t to = sport(kTarget, 53);
  processor.handle_frame(udp_frame(kTarget, 53, kScanner, static_cast<std::uint16_t>(to + 2), answer));  // no probe's
  processor.handle_frame(udp_frame(kTarget + 1, 53, kScanner, to, answer));                              // another host
  processor.handle_frame(udp_frame(kTarget, 5353, kScanner, to, answer));  // another service port
  processor.handle_frame(udp_frame(kTarget, 53, kScanner, to, dns_answer(static_cast<std::uint16_t>(id + 1))));
  processor.handle_frame(udp_frame(kTarget, 53, kScanner, to, dns_answer(id, 0x04)));  // QR clear: our query echoed
  processor.handle_frame(udp_frame(kTarget, 53, kScanner, to, std::span(answer).first(11)));  // short of a header
  EXPECT_EQ(counters.invalid.load(), 6u);
  processor.handle_frame(udp_frame(kTarget, 53, kScanner + 1, to, answer));  // not to us: not even looked at
  EXPECT_EQ(counters.invalid.load(), 6u);
  EXPECT_TRUE(out.results.empty());
}

TEST_F(UdpResponseTest, SsdpAndEmptyPayloadReplies) {
  constexpr std::string_view kSsdp =
      "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: upnp:rootdevice\r\n"
      "USN: uuid:1d2a-4c::upnp:rootdevice\r\nSERVER: Linux/5.10 UPnP/1.1 MiniUPnPd/2.3.3\r\n"
      "LOCATION: http://192.168.1.1:5000/rootDesc.xml\r\n\r\n";
  processor.handle_frame(udp_frame(kTarget, 1900, kScanner, sport(kTarget, 1900), bytes(kSsdp)));
  processor.handle_frame(udp_frame(kTarget, 7, kScanner, sport(kTarget, 7), bytes("\x01\x02 echo")));
  processor.handle_frame(
      udp_frame(kTarget + 1, 1900, kScanner, sport(kTarget + 1, 1900), bytes("NOTIFY * HTTP/1.1\r\n")));
  ASSERT_EQ(out.results.size(), 2u);
  EXPECT_EQ(out.results[0].protocol, "upnp");
  const auto ssdp = boost::json::parse(out.results[0].data).as_object();
  EXPECT_EQ(ssdp.at("server").as_string(), "Linux/5.10 UPnP/1.1 MiniUPnPd/2.3.3");
  EXPECT_EQ(ssdp.at("location").as_string(), "http://192.168.1.1:5000/rootDesc.xml");
  EXPECT_EQ(ssdp.at("usn").as_string(), "uuid:1d2a-4c::upnp:rootdevice");
  EXPECT_EQ(out.results[1].port, 7);
  EXPECT_EQ(out.results[1].protocol, "unknown");
  EXPECT_EQ(boost::json::parse(out.results[1].data).as_object().at("length").as_int64(), 7);
  EXPECT_EQ(counters.invalid.load(), 1u);  // NOTIFY is no answer to M-SEARCH
}

TEST_F(UdpResponseTest, IcmpPortUnreachableIsClosedOtherUnreachablesAreUnreachable) {
  processor.handle_frame(icmp_frame(kTarget, 3, probe_frame(validator, profile, kTarget, 161), 576));
  processor.handle_frame(icmp_frame(kTarget, 3, probe_frame(validator, profile, kTarget, 161, 1)));     // duplicate
  processor.handle_frame(icmp_frame(0xC6130001, 13, probe_frame(validator, profile, kTarget, 500)));    // filtered
  processor.handle_frame(icmp_frame(0xC6130001, 3, probe_frame(validator, profile, kTarget + 1, 53)));  // a router
  ASSERT_EQ(out.results.size(), 3u);
  EXPECT_EQ(out.results[0].status, ScanResult::Status::closed);
  EXPECT_EQ(out.results[0].port, 161);
  EXPECT_EQ(out.results[0].transport, Transport::udp);
  EXPECT_TRUE(out.results[0].data.empty());
  EXPECT_EQ(out.results[1].status, ScanResult::Status::unreachable);
  EXPECT_EQ(boost::json::parse(out.results[1].data).as_object().at("icmp_code").as_int64(), 13);
  EXPECT_EQ(out.results[2].status, ScanResult::Status::closed);
  EXPECT_EQ(out.results[2].ip, kTarget + 1);
  EXPECT_EQ(boost::json::parse(out.results[2].data).as_object().at("icmp_source").as_string(), "198.19.0.1");
  EXPECT_EQ(counters.udp_closed.load(), 2u);
  EXPECT_EQ(counters.unreachable.load(), 1u);
  EXPECT_EQ(counters.duplicates.load(), 1u);
  // A UDP reply after the ICMP is a duplicate: each target is reported once.
  processor.handle_frame(udp_frame(kTarget, 161, kScanner, sport(kTarget, 161), bytes("late")));
  EXPECT_EQ(out.results.size(), 3u);
}

TEST_F(UdpResponseTest, IcmpQuotingSomethingWeDidNotSendIsRejected) {
  auto probe = probe_frame(validator, profile, kTarget, 161);
  put16(&probe[34], static_cast<std::uint16_t>(get16(&probe[34]) + 2));  // no probe's source port
  processor.handle_frame(icmp_frame(kTarget, 3, probe));
  auto other_source = probe_frame(validator, profile, kTarget, 161);
  put32(&other_source[14 + 12], kScanner + 1);  // a probe from someone else
  processor.handle_frame(icmp_frame(kTarget, 3, other_source));
  EXPECT_TRUE(out.results.empty());
  EXPECT_EQ(counters.invalid.load(), 1u);
}

TEST(ResponseProcessor, TcpOnlyScanIgnoresUdpAndIcmp) {
  const ProbeValidator v({11, 12}, 32768, 61000, 1);
  ManualClock clock;
  ScanCounters counters;
  CollectingOutput out;
  ResponseProcessor p(v, kScanner, true, out, clock, counters);
  const ProbeCookie c = v.cookie(kScanner, kTarget, 53, Transport::udp);
  p.handle_frame(udp_frame(kTarget, 53, kScanner, v.source_port(c, 0), dns_answer(UdpCookie::from(c).first16())));
  EXPECT_TRUE(out.results.empty());
  EXPECT_EQ(counters.invalid.load(), 0u);
}
