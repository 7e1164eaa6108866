// L2TP: the control-message codec against datagrams captured from xl2tpd,
// and the "l2tp" module through the engine against a loopback UDP fake.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "fumidai/scanner/packet/ByteOrder.h"
#include "fumidai/scanner/probes/l2tp/L2tpControl.h"
#include "support/GrabHarness.h"
#include "support/HexBytes.h"
#include "support/LoopbackUdpServer.h"

namespace fumidai::scanner {
namespace {

using test::as_string;
using test::from_hex;
using test::GrabHarness;
using test::LoopbackUdpServer;
using test::to_hex;

// Captured in a lab namespace from xl2tpd 1.3.18 (Debian 12) answering
// `fumidai grab --module l2tp`. Our SCCRQ from tunnel 0x3715:
constexpr std::string_view kOurSccrq =
    "c802005a000000000000000080080000000000018008000000020100800d0000000766756d69646169800a0000000300000003800a"
    "0000000400000003000d0000000866756d69646169800800000009371580080000000a0004";
// xl2tpd's SCCRP (config: hostname = fdx-lns): to tunnel 0x3715, its own
// tunnel 0x54cf.
constexpr std::string_view kXl2tpdSccrp =
    "c8020068371500000000000180080000000000028008000000020100800a0000000300000003800a000000040000000000080000"
    "00060690800d000000076664782d6c6e7300130000000878656c6572616e63652e636f6d80080000000954cf80080000000a0004";
// Our StopCCN to tunnel 0x54cf, and xl2tpd's ZLB acknowledging it.
constexpr std::string_view kOurStopCcn = "c802002454cf000000010001800800000000000480080000000100018008000000093715";
constexpr std::string_view kXl2tpdZlb = "c802000c3715000000010002";
// With "challenge = yes" and an auth file: the SCCRP carries a Challenge AVP.
constexpr std::string_view kXl2tpdChallengeSccrp =
    "c802007ff53d00000000000180080000000000028008000000020100800a0000000300000003800a000000040000000000080000"
    "00060690800e000000076664782d6368616c00130000000878656c6572616e63652e636f6d800800000009ea1880080000000a00"
    "0480160000000b09b0008eba2ae09988a831628b51b5f4";
// With "access control = yes" and no matching lac: a ZLB, then a StopCCN
// (general error, error 6 "No Authorization").
constexpr std::string_view kXl2tpdDenyZlb = "c802000ceb3a000000000001";
constexpr std::string_view kXl2tpdDenyStopCcn =
    "c8020036eb3a0000000000018008000000000004800800000009537a801a00000001000200064e6f20417574686f72697a6174696f"
    "6e";

std::vector<std::uint8_t> addressed_to(std::string_view hex, std::uint16_t tunnel_id) {
  auto bytes = from_hex(hex);
  put16(bytes.data() + 4, tunnel_id);
  return bytes;
}

std::string describe_json(const std::vector<std::uint8_t>& bytes) {
  return boost::json::serialize(l2tp::describe(l2tp::parse_message(bytes)));
}

TEST(L2tpControl, BuildsTheMessagesXl2tpdAnswered) {
  std::vector<std::uint8_t> sccrq(l2tp::kSccrqBytes);
  ASSERT_EQ(l2tp::build_sccrq(sccrq, 0x3715), l2tp::kSccrqBytes);
  EXPECT_EQ(to_hex(sccrq), kOurSccrq);
  EXPECT_EQ(l2tp::build_sccrq(sccrq, 0), 0u) << "tunnel 0 is reserved";
  std::vector<std::uint8_t> short_buffer(l2tp::kSccrqBytes - 1);
  EXPECT_EQ(l2tp::build_sccrq(short_buffer, 0x3715), 0u);

  std::vector<std::uint8_t> stop(l2tp::kStopCcnBytes);
  ASSERT_EQ(l2tp::build_stopccn(stop, 0x54cf, 0x3715, 1, 1), l2tp::kStopCcnBytes);
  EXPECT_EQ(to_hex(stop), kOurStopCcn);

  // Our SCCRQ reads back as one.
  const l2tp::Message m = l2tp::parse_message(sccrq);
  EXPECT_EQ(m.message_type, l2tp::kSccrq);
  EXPECT_EQ(m.assigned_tunnel_id, 0x3715);
  EXPECT_EQ(m.host_name, "fumidai");
}

TEST(L2tpControl, AnswersMatchesOnlyControlMessagesToOurTunnel) {
  const auto sccrp = from_hex(kXl2tpdSccrp);
  EXPECT_TRUE(l2tp::answers(sccrp, 0x3715));
  EXPECT_FALSE(l2tp::answers(sccrp, 0x3716));
  EXPECT_TRUE(l2tp::answers(from_hex(kXl2tpdZlb), 0x3715)) << "a ZLB is L2TP too";
  EXPECT_FALSE(l2tp::answers(std::span(sccrp).first(11), 0x3715));
  auto data_message = sccrp;
  data_message[0] &= 0x7f;
  EXPECT_FALSE(l2tp::answers(data_message, 0x3715));
  auto version3 = sccrp;
  version3[1] = 0x03;
  EXPECT_FALSE(l2tp::answers(version3, 0x3715));
  auto longer = sccrp;
  put16(longer.data() + 2, static_cast<std::uint16_t>(sccrp.size() + 1));
  EXPECT_FALSE(l2tp::answers(longer, 0x3715));
}

TEST(L2tpControl, ParsesXl2tpdsSccrp) {
  const l2tp::Message m = l2tp::parse_message(from_hex(kXl2tpdSccrp));
  ASSERT_TRUE(m.valid) << m.error;
  EXPECT_EQ(m.tunnel_id, 0x3715);
  EXPECT_EQ(m.ns, 0);
  EXPECT_EQ(m.nr, 1);
  EXPECT_EQ(describe_json(from_hex(kXl2tpdSccrp)),
            R"({"message_type":2,"message":"SCCRP","protocol_version":"1.0","host_name":"fdx-lns",)"
            R"("vendor":"xelerance.com","firmware_revision":1680,"assigned_tunnel_id":21711,)"
            R"("framing_capabilities":3,"bearer_capabilities":0,"receive_window_size":4,"challenge":false})");
}

TEST(L2tpControl, ParsesAChallengeAndAStopCcn) {
  const l2tp::Message challenged = l2tp::parse_message(from_hex(kXl2tpdChallengeSccrp));
  ASSERT_TRUE(challenged.valid) << challenged.error;
  EXPECT_TRUE(challenged.challenge);
  EXPECT_EQ(challenged.host_name, "fdx-chal");

  const l2tp::Message stop = l2tp::parse_message(from_hex(kXl2tpdDenyStopCcn));
  ASSERT_TRUE(stop.valid) << stop.error;
  EXPECT_EQ(describe_json(from_hex(kXl2tpdDenyStopCcn)),
            R"({"message_type":4,"message":"StopCCN","assigned_tunnel_id":21370,"result_code":2,)"
            R"("result":"general-error","error_code":6,"error_message":"No Authorization","challenge":false})");

  const l2tp::Message zlb = l2tp::parse_message(from_hex(kXl2tpdDenyZlb));
  EXPECT_FALSE(zlb.valid);
  EXPECT_EQ(zlb.error, "l2tp: a ZLB acknowledgement (no AVPs), not an SCCRP");
}

TEST(L2tpControl, HeaderErrors) {
  const auto error = [](std::vector<std::uint8_t> bytes) { return l2tp::parse_message(bytes).error; };
  const auto sccrp = from_hex(kXl2tpdSccrp);
  EXPECT_EQ(error({}), "l2tp: truncated: 0 bytes");
  auto data_message = sccrp;
  data_message[0] = 0x40;
  EXPECT_EQ(error(data_message), "l2tp: a data message, not a control message");
  auto v3 = sccrp;
  v3[1] = 0x03;
  EXPECT_EQ(error(v3), "l2tp: version 3, expected 2");
  auto offset = sccrp;
  offset[0] = 0xca;
  EXPECT_EQ(error(offset), "l2tp: header flags 0xca02: a control message has L and S set and O clear");
  EXPECT_EQ(error({sccrp.begin(), sccrp.begin() + 8}), "l2tp: truncated: 8 of 12 header bytes");
  auto longer = sccrp;
  put16(longer.data() + 2, 0x0069);
  EXPECT_EQ(error(longer), "l2tp: length field 105 in a datagram of 104 bytes");
  auto under = sccrp;
  put16(under.data() + 2, 11);
  EXPECT_EQ(error(under), "l2tp: length field 11 in a datagram of 104 bytes");
}

TEST(L2tpControl, AvpLengthLiesStopTheWalkWithTheFieldsBefore) {
  auto bytes = from_hex(kXl2tpdSccrp);
  // The Host Name AVP (at byte 56) claims 0x3ff bytes.
  ASSERT_EQ(bytes[56], 0x80);
  ASSERT_EQ(bytes[57], 0x0d);
  bytes[56] = 0x83;
  bytes[57] = 0xff;
  const l2tp::Message lie = l2tp::parse_message(bytes);
  EXPECT_FALSE(lie.valid);
  EXPECT_EQ(lie.error, "l2tp: AVP at byte 56: length 1023 with 48 bytes left");
  EXPECT_EQ(lie.message_type, l2tp::kSccrp);
  EXPECT_EQ(lie.firmware_revision, 1680);
  EXPECT_FALSE(lie.host_name);
  EXPECT_EQ(l2tp::describe(lie).at("message").as_string(), "SCCRP");

  bytes[56] = 0x80;
  bytes[57] = 0x05;  // shorter than an AVP header
  EXPECT_EQ(l2tp::parse_message(bytes).error, "l2tp: AVP at byte 56: length 5 with 48 bytes left");

  // The message ends 3 bytes into an AVP header.
  auto cut = from_hex(kXl2tpdSccrp);
  put16(cut.data() + 2, 59);
  EXPECT_EQ(l2tp::parse_message(cut).error, "l2tp: AVP at byte 56: 3 bytes left, less than an AVP header");

  // A known AVP of the wrong size: Assigned Tunnel ID (at byte 88) of 3 bytes.
  auto wide = from_hex(kXl2tpdSccrp);
  ASSERT_EQ(wide[93], 0x09);
  wide.insert(wide.begin() + 96, 0x00);
  wide[89] = 0x09;
  put16(wide.data() + 2, static_cast<std::uint16_t>(wide.size()));
  EXPECT_EQ(l2tp::parse_message(wide).error, "l2tp: AVP type 9: a value of 3 bytes, expected 2");
}

TEST(L2tpControl, KeepsVendorAndHiddenAvpsUndecoded) {
  auto bytes = from_hex(kXl2tpdSccrp);
  // Hide the Host Name AVP; append a Microsoft (311) vendor AVP.
  bytes[56] |= 0x40;
  const std::vector<std::uint8_t> vendor_avp = {0x00, 0x0a, 0x01, 0x37, 0x00, 0x2a, 1, 2, 3, 4};
  bytes.insert(bytes.end(), vendor_avp.begin(), vendor_avp.end());
  put16(bytes.data() + 2, static_cast<std::uint16_t>(bytes.size()));
  const l2tp::Message m = l2tp::parse_message(bytes);
  ASSERT_TRUE(m.valid) << m.error;
  EXPECT_FALSE(m.host_name);
  ASSERT_EQ(m.other_avps.size(), 2u);
  EXPECT_EQ(m.other_avps[0], (l2tp::Avp{0, 7, 13, true, true}));
  EXPECT_EQ(m.other_avps[1], (l2tp::Avp{311, 42, 10, false, false}));
  EXPECT_EQ(boost::json::serialize(l2tp::describe(m).at("other_avps")),
            R"([{"vendor_id":0,"type":7,"length":13,"mandatory":true,"hidden":true},)"
            R"({"vendor_id":311,"type":42,"length":10,"mandatory":false,"hidden":false}])");
}

TEST(L2tpControl, BoundsTheAvpsItKeeps) {
  auto bytes = from_hex(kXl2tpdSccrp);
  for (int i = 0; i < 100; ++i) bytes.insert(bytes.end(), {0x00, 0x06, 0x00, 0x01, 0x00, 0x2a});
  put16(bytes.data() + 2, static_cast<std::uint16_t>(bytes.size()));
  const l2tp::Message m = l2tp::parse_message(bytes);
  ASSERT_TRUE(m.valid) << m.error;
  EXPECT_EQ(m.other_avps.size(), l2tp::kMaxOtherAvps);
  EXPECT_TRUE(m.other_avps_truncated);
}

TEST(L2tpControl, RejectsOtherMessagesAndAMissingMessageType) {
  EXPECT_EQ(l2tp::parse_message(from_hex(kOurSccrq)).error,
            "l2tp: message type 1 (SCCRQ), expected SCCRP (2) or StopCCN (4)");
  auto first = from_hex(kXl2tpdSccrp);
  first[17] = 0x02;  // the first AVP becomes Protocol Version
  EXPECT_EQ(l2tp::parse_message(first).error, "l2tp: the first AVP is not an unhidden Message Type");
}

// An LNS on loopback: answers an SCCRQ with `replies(tunnel id)`, a StopCCN
// with a ZLB, and keeps every StopCCN it gets.
class FakeLns {
 public:
  using Replies = std::function<std::vector<std::vector<std::uint8_t>>(std::uint16_t tunnel_id)>;
  explicit FakeLns(Replies replies)
      : server_([this, replies](const std::string& datagram) {
          const std::vector<std::uint8_t> bytes(datagram.begin(), datagram.end());
          const l2tp::Message m = l2tp::parse_message(bytes);
          std::vector<std::string> out;
          if (m.message_type == l2tp::kSccrq && m.assigned_tunnel_id) {
            for (const auto& reply : replies(*m.assigned_tunnel_id)) out.push_back(as_string(reply));
          } else if (m.message_type == l2tp::kStopCcn) {
            std::lock_guard lock(mutex_);
            stops_.push_back(to_hex(bytes));
            stopped_.notify_all();
            out.push_back(as_string(addressed_to(kXl2tpdZlb, m.assigned_tunnel_id.value_or(0))));
          }
          return out;
        }) {}
  std::uint16_t port() const { return server_.port(); }
  int datagrams() const { return server_.datagrams(); }
  std::vector<std::string> stops() {
    std::lock_guard lock(mutex_);
    return stops_;
  }
  // Waits (up to 2 s) for the server's thread to have seen a StopCCN: the
  // probe may finish before that thread runs.
  std::vector<std::string> wait_for_stop() {
    std::unique_lock lock(mutex_);
    stopped_.wait_for(lock, std::chrono::seconds(2), [this] { return !stops_.empty(); });
    return stops_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable stopped_;
  std::vector<std::string> stops_;
  LoopbackUdpServer server_;
};

TEST(L2tpProbe, TakesTheReplyToItsCookieAndSendsStopCcn) {
  std::atomic<std::uint16_t> ours = 0;
  FakeLns lns([&](std::uint16_t tunnel_id) {
    ours = tunnel_id;
    // Someone else's reply first: a different tunnel ID.
    return std::vector{addressed_to(kXl2tpdSccrp, static_cast<std::uint16_t>(tunnel_id + 1)),
                       addressed_to(kXl2tpdSccrp, tunnel_id)};
  });
  GrabHarness h("l2tp");
  const GrabRecord r = h.grab(lns.port(), Transport::udp);
  ASSERT_EQ(to_string(r.status), "success") << r.error;
  EXPECT_EQ(r.protocol, "l2tp");
  EXPECT_EQ(r.target.transport, Transport::udp);
  EXPECT_EQ(r.data.at("host_name").as_string(), "fdx-lns");
  EXPECT_EQ(r.data.at("vendor").as_string(), "xelerance.com");
  // The StopCCN goes to xl2tpd's tunnel 0x54cf and names ours.
  std::vector<std::uint8_t> expected(l2tp::kStopCcnBytes);
  l2tp::build_stopccn(expected, 0x54cf, ours, 1, 1);
  EXPECT_EQ(lns.wait_for_stop(), std::vector<std::string>{to_hex(expected)});
}

TEST(L2tpProbe, RecordsARefusalAfterItsZlbWithoutAStop) {
  FakeLns lns([](std::uint16_t tunnel_id) {
    return std::vector{addressed_to(kXl2tpdDenyZlb, tunnel_id), addressed_to(kXl2tpdDenyStopCcn, tunnel_id)};
  });
  GrabHarness h("l2tp");
  const GrabRecord r = h.grab(lns.port(), Transport::udp);
  ASSERT_EQ(to_string(r.status), "success") << r.error;
  EXPECT_EQ(r.data.at("message").as_string(), "StopCCN");
  EXPECT_EQ(r.data.at("error_message").as_string(), "No Authorization");
  EXPECT_TRUE(lns.stops().empty()) << "the peer already dropped the tunnel";
}

TEST(L2tpProbe, AvpLengthLieIsAProtocolError) {
  FakeLns lns([](std::uint16_t tunnel_id) {
    auto bytes = addressed_to(kXl2tpdSccrp, tunnel_id);
    bytes[57] = 0xff;  // Host Name AVP: 255 bytes
    return std::vector<std::vector<std::uint8_t>>{bytes};
  });
  GrabHarness h("l2tp");
  const GrabRecord r = h.grab(lns.port(), Transport::udp);
  EXPECT_EQ(to_string(r.status), "protocol-error");
  EXPECT_EQ(r.error, "l2tp: AVP at byte 56: length 255 with 48 bytes left");
  EXPECT_EQ(r.data.at("firmware_revision").to_number<std::int64_t>(), 1680);
  EXPECT_TRUE(lns.stops().empty());
}

TEST(L2tpProbe, SilenceIsRetriedThenAnIoTimeout) {
  FakeLns lns([](std::uint16_t) { return std::vector<std::vector<std::uint8_t>>{}; });
  GrabHarness h("l2tp");
  const GrabRecord r = h.grab(lns.port(), Transport::udp);
  EXPECT_EQ(to_string(r.status), "io-timeout");
  EXPECT_EQ(lns.datagrams(), 2) << "the SCCRQ and one retry";
}

}  // namespace
}  // namespace fumidai::scanner
