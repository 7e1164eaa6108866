// OpenVPN: the control-packet codec against packets captured from OpenVPN
// 2.6, the "openvpn" and "openvpn-udp" modules through the engine against
// loopback fakes, and the port profile's VPN lines.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "fumidai/scanner/packet/ByteOrder.h"
#include "fumidai/scanner/probes/openvpn/OpenVpnPacket.h"
#include "support/GrabHarness.h"
#include "support/HexBytes.h"
#include "support/LoopbackServer.h"
#include "support/LoopbackUdpServer.h"

namespace fumidai::scanner {
namespace {

using test::as_string;
using test::from_hex;
using test::GrabHarness;
using test::LoopbackServer;
using test::LoopbackUdpServer;
using test::to_hex;

// Captured in a lab namespace from OpenVPN 2.6.14 (Debian 12; mode server,
// tls-server, no tls-auth) answering `fumidai grab --module openvpn-udp`:
// our reset from session 686032505392121e, and the server's reply.
constexpr std::string_view kOurUdpReset = "38686032505392121e0000000000";
constexpr std::string_view kServerUdpReply = "409ebb396cdd632baf0100000000686032505392121e00000000";
// The same over TCP (--module openvpn): each packet after its 2-byte length.
constexpr std::string_view kOurTcpReset = "000e38038ef64ed46607840000000000";
constexpr std::string_view kServerTcpReply = "001a4060b0fab9bd29826f0100000000038ef64ed466078400000000";
constexpr std::size_t kUdpRemoteSessionAt = 14;  // after opcode, session ID, ack count and one acked ID

openvpn::SessionId session(std::string_view hex) {
  openvpn::SessionId id{};
  const auto bytes = from_hex(hex);
  std::copy(bytes.begin(), bytes.end(), id.begin());
  return id;
}

// The server's UDP reply, acknowledging `ours`.
std::vector<std::uint8_t> reply_to(const openvpn::SessionId& ours) {
  auto bytes = from_hex(kServerUdpReply);
  std::copy(ours.begin(), ours.end(), bytes.begin() + kUdpRemoteSessionAt);
  return bytes;
}

openvpn::SessionId session_of_reset(std::span<const std::uint8_t> reset) {
  openvpn::SessionId id{};
  if (reset.size() >= openvpn::kResetBytes) std::copy_n(reset.begin() + 1, id.size(), id.begin());
  return id;
}

TEST(OpenVpnPacket, BuildsTheResetTheServerAnswered) {
  std::vector<std::uint8_t> out(openvpn::kResetBytes);
  ASSERT_EQ(openvpn::build_reset(out, session("686032505392121e")), openvpn::kResetBytes);
  EXPECT_EQ(to_hex(out), kOurUdpReset);
  std::vector<std::uint8_t> tcp(openvpn::kTcpLengthBytes + openvpn::kResetBytes);
  put16(tcp.data(), openvpn::kResetBytes);
  openvpn::build_reset(std::span(tcp).subspan(openvpn::kTcpLengthBytes), session("038ef64ed4660784"));
  EXPECT_EQ(to_hex(tcp), kOurTcpReset);
  std::vector<std::uint8_t> short_buffer(openvpn::kResetBytes - 1);
  EXPECT_EQ(openvpn::build_reset(short_buffer, {}), 0u);
}

TEST(OpenVpnPacket, ParsesTheServersReset) {
  const openvpn::Packet p = openvpn::parse_packet(from_hex(kServerUdpReply));
  ASSERT_TRUE(p.valid) << p.error;
  EXPECT_EQ(
      boost::json::serialize(openvpn::describe(p)),
      R"({"opcode":8,"message":"P_CONTROL_HARD_RESET_SERVER_V2","key_id":0,"session_id":"9ebb396cdd632baf",)"
      R"("acked_packet_ids":[0],"remote_session_id":"686032505392121e","message_packet_id":0,"payload_length":0})");
  EXPECT_TRUE(openvpn::answers(from_hex(kServerUdpReply), session("686032505392121e")));
  EXPECT_FALSE(openvpn::answers(from_hex(kServerUdpReply), session("686032505392121f")));
  EXPECT_FALSE(openvpn::answers(from_hex(kOurUdpReset), session("686032505392121e"))) << "acknowledges nothing";
}

TEST(OpenVpnPacket, FramesTcpPackets) {
  const auto stream = from_hex(kServerTcpReply);
  for (std::size_t n = 0; n < stream.size(); ++n) {
    const openvpn::TcpFrame f = openvpn::tcp_frame(std::span(stream).first(n));
    EXPECT_EQ(f.state, openvpn::TcpFrame::State::incomplete) << n;
  }
  const openvpn::TcpFrame f = openvpn::tcp_frame(stream);
  EXPECT_EQ(f.state, openvpn::TcpFrame::State::complete);
  EXPECT_EQ(f.length, 26u);
  const openvpn::Packet p = openvpn::parse_packet(std::span(stream).subspan(2, f.length));
  EXPECT_EQ(p.remote_session_id, session("038ef64ed4660784"));
  // A TLS record or an HTTP reply in the length's place.
  EXPECT_EQ(openvpn::tcp_frame(std::vector<std::uint8_t>{0x16, 0x03}).error,
            "openvpn: packet length field 5635 is outside 1..2048");
  EXPECT_EQ(openvpn::tcp_frame(std::vector<std::uint8_t>{0, 0}).state, openvpn::TcpFrame::State::invalid);
}

TEST(OpenVpnPacket, TruncationAtEachFieldIsInvalidWithTheFieldsBefore) {
  const auto bytes = from_hex(kServerUdpReply);
  const auto error = [&](std::size_t n) { return openvpn::parse_packet(std::span(bytes).first(n)).error; };
  EXPECT_EQ(error(0), "openvpn: an empty packet");
  EXPECT_EQ(error(5), "openvpn: P_CONTROL_HARD_RESET_SERVER_V2 of 5 bytes ends before its session ID");
  EXPECT_EQ(error(9), "openvpn: P_CONTROL_HARD_RESET_SERVER_V2 of 9 bytes ends before its acknowledgement count");
  EXPECT_EQ(error(12), "openvpn: P_CONTROL_HARD_RESET_SERVER_V2 of 12 bytes ends before its acknowledged packet IDs");
  EXPECT_EQ(error(20), "openvpn: P_CONTROL_HARD_RESET_SERVER_V2 of 20 bytes ends before its remote session ID");
  EXPECT_EQ(error(24), "openvpn: P_CONTROL_HARD_RESET_SERVER_V2 of 24 bytes ends before its message packet ID");
  const openvpn::Packet p = openvpn::parse_packet(std::span(bytes).first(20));
  EXPECT_EQ(boost::json::serialize(openvpn::describe(p)),
            R"({"opcode":8,"message":"P_CONTROL_HARD_RESET_SERVER_V2","key_id":0,"session_id":"9ebb396cdd632baf",)"
            R"("acked_packet_ids":[0]})");
}

TEST(OpenVpnPacket, AckCountLieDataAndUnknownOpcodes) {
  auto lie = from_hex(kServerUdpReply);
  lie[9] = 255;  // 255 acked IDs in a 26-byte packet
  EXPECT_EQ(openvpn::parse_packet(lie).error,
            "openvpn: P_CONTROL_HARD_RESET_SERVER_V2 of 26 bytes ends before its acknowledged packet IDs");
  EXPECT_EQ(openvpn::parse_packet(std::vector<std::uint8_t>{0x48, 1, 2, 3}).error,
            "openvpn: a data packet (P_DATA_V2), not a control packet");
  EXPECT_EQ(openvpn::parse_packet(std::vector<std::uint8_t>{0x30}).error,
            "openvpn: a data packet (P_DATA_V1), not a control packet");
  EXPECT_EQ(openvpn::parse_packet(std::vector<std::uint8_t>{0x60}).error, "openvpn: opcode 12 is not OpenVPN's");
  EXPECT_EQ(openvpn::parse_packet(std::vector<std::uint8_t>{0x00}).error, "openvpn: opcode 0 is not OpenVPN's");
}

TEST(OpenVpnPacket, AckWithoutPacketIdAndControlWithPayload) {
  // P_ACK_V1, key 1: acknowledges packet 0 of our session, no message packet ID.
  auto ack = from_hex(kServerUdpReply);
  ack[0] = 0x29;
  ack.resize(22);
  const openvpn::Packet a = openvpn::parse_packet(ack);
  ASSERT_TRUE(a.valid) << a.error;
  EXPECT_EQ(a.key_id, 1);
  EXPECT_FALSE(a.message_packet_id);
  EXPECT_TRUE(openvpn::answers(ack, session("686032505392121e")));
  // P_CONTROL_V1 carrying 3 bytes of TLS.
  auto control = from_hex(kServerUdpReply);
  control[0] = 0x20;
  control.insert(control.end(), {0x16, 0x03, 0x03});
  EXPECT_EQ(openvpn::describe(openvpn::parse_packet(control)).at("payload_length").to_number<std::int64_t>(), 3);
}

// A TCP OpenVPN server on loopback: reads a packet (closing, as OpenVPN
// does, on a length over 1768) and answers with `reply(our session ID)`
// (nothing: stay silent; empty packet: close).
class FakeTcpServer {
 public:
  using Reply = std::function<std::string(const openvpn::SessionId&)>;
  explicit FakeTcpServer(Reply reply)
      : server_([reply](int fd, const std::atomic<bool>& stopping) {
          std::string got;
          char c;
          while (got.size() < 2 && ::recv(fd, &c, 1, 0) == 1) got += c;
          if (got.size() < 2) return;
          const std::size_t length = get16(reinterpret_cast<const std::uint8_t*>(got.data()));
          if (length == 0 || length > 1768) {
            ::shutdown(fd, SHUT_RDWR);
            return;
          }
          while (got.size() < 2 + length && ::recv(fd, &c, 1, 0) == 1) got += c;
          const std::vector<std::uint8_t> packet(got.begin() + 2, got.end());
          const std::string answer = reply(session_of_reset(packet));
          if (answer == "close") {
            ::shutdown(fd, SHUT_RDWR);
            return;
          }
          LoopbackServer::send_all(fd, answer);
          while (!stopping) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }) {}
  std::uint16_t port() const { return server_.port(); }

 private:
  LoopbackServer server_;
};

std::string tcp_reply_to(const openvpn::SessionId& ours) {
  const auto packet = reply_to(ours);
  std::string framed = {0, static_cast<char>(packet.size())};
  return framed + as_string(packet);
}

TEST(OpenVpnProbe, TcpRecordsTheServersReset) {
  FakeTcpServer server(tcp_reply_to);
  GrabHarness h("openvpn");
  const GrabRecord r = h.grab(server.port());
  ASSERT_EQ(to_string(r.status), "success") << r.error;
  EXPECT_EQ(r.protocol, "openvpn");
  EXPECT_EQ(r.data.at("message").as_string(), "P_CONTROL_HARD_RESET_SERVER_V2");
  EXPECT_EQ(r.data.at("session_id").as_string(), "9ebb396cdd632baf");
}

TEST(OpenVpnProbe, TcpReplyForAnotherSessionIsAProtocolError) {
  FakeTcpServer server([](const openvpn::SessionId& ours) {
    openvpn::SessionId other = ours;
    other[7] ^= 1;
    return tcp_reply_to(other);
  });
  GrabHarness h("openvpn");
  const GrabRecord r = h.grab(server.port());
  EXPECT_EQ(to_string(r.status), "protocol-error");
  EXPECT_EQ(r.error, "openvpn: the reply does not acknowledge our session ID");
  EXPECT_EQ(r.data.at("opcode").to_number<std::int64_t>(), 8);
}

TEST(OpenVpnProbe, TcpSilenceAndCloseCarryANote) {
  FakeTcpServer silent([](const openvpn::SessionId&) { return std::string(); });
  GrabHarness h("openvpn");
  const GrabRecord quiet = h.grab(silent.port());
  EXPECT_EQ(to_string(quiet.status), "io-timeout");
  EXPECT_EQ(quiet.data.at("note").as_string(), "no answer: a server with tls-auth or tls-crypt stays silent");

  FakeTcpServer closing([](const openvpn::SessionId&) { return std::string("close"); });
  GrabHarness h2("openvpn");
  const GrabRecord closed = h2.grab(closing.port());
  EXPECT_EQ(to_string(closed.status), "protocol-error");
  EXPECT_TRUE(closed.data.at("note").as_string().starts_with("closed without an answer")) << closed.data;
}

TEST(OpenVpnProbe, TcpLengthLieAndTruncation) {
  FakeTcpServer huge([](const openvpn::SessionId&) { return std::string("HTTP/1.1 400 Bad Request\r\n\r\n"); });
  GrabOptions o = test::quick_grab_options();
  o.read_timeout = std::chrono::seconds(60);  // judged on the first two bytes, not after a wait
  GrabHarness h(o, "openvpn");
  const GrabRecord r = h.grab(huge.port());
  EXPECT_EQ(to_string(r.status), "protocol-error");
  EXPECT_EQ(r.error, "openvpn: packet length field 18516 is outside 1..2048");

  FakeTcpServer cut([](const openvpn::SessionId& ours) { return tcp_reply_to(ours).substr(0, 20); });
  GrabHarness h2("openvpn");
  const GrabRecord truncated = h2.grab(cut.port());
  EXPECT_EQ(to_string(truncated.status), "protocol-error");
  EXPECT_EQ(truncated.error, "openvpn: truncated: 18 bytes of a 26-byte packet");
}

TEST(OpenVpnProbe, UdpTakesTheReplyToItsCookie) {
  LoopbackUdpServer server([](const std::string& datagram) {
    const std::vector<std::uint8_t> reset(datagram.begin(), datagram.end());
    openvpn::SessionId other = session_of_reset(reset);
    other[0] ^= 0x80;
    return std::vector<std::string>{as_string(reply_to(other)), "junk", as_string(reply_to(session_of_reset(reset)))};
  });
  GrabHarness h("openvpn-udp");
  const GrabRecord r = h.grab(server.port(), Transport::udp);
  ASSERT_EQ(to_string(r.status), "success") << r.error;
  EXPECT_EQ(r.target.transport, Transport::udp);
  EXPECT_EQ(r.data.at("acked_packet_ids").as_array().size(), 1u);
}

TEST(OpenVpnProbe, UdpSilenceIsUnknownWithANote) {
  LoopbackUdpServer server([](const std::string&) { return std::vector<std::string>{}; });
  GrabHarness h("openvpn-udp");
  const GrabRecord r = h.grab(server.port(), Transport::udp);
  EXPECT_EQ(to_string(r.status), "io-timeout");
  EXPECT_EQ(r.data.at("note").as_string(), "no answer: a server with tls-auth or tls-crypt stays silent");
  EXPECT_EQ(server.datagrams(), 2);
}

TEST(OpenVpnProbe, ChainTriesOpenVpnWhenTlsFailsOn443) {
  // OpenVPN over TCP reads the ClientHello's first bytes as a length of
  // 5635 and closes: https fails, openvpn gets a fresh connection.
  FakeTcpServer server(tcp_reply_to);
  GrabHarness h("https");
  auto chain = PortProfile::parse("* https,openvpn\n", "test", h.registry);
  ASSERT_TRUE(chain);
  h.profile.emplace(std::move(*chain));
  const GrabRecord r = h.grab(server.port());
  ASSERT_EQ(to_string(r.status), "success") << r.error;
  EXPECT_EQ(r.protocol, "openvpn");
}

TEST(VpnPortProfile, BuiltInProfileNamesTheVpnModules) {
  ProbeRegistry registry;
  register_builtin_probes(registry);
  const PortProfile p = PortProfile::built_in(registry);
  EXPECT_EQ(p.module_for(1723)->name(), "pptp");
  EXPECT_EQ(p.module_for(1701, Transport::udp)->name(), "l2tp");
  EXPECT_EQ(p.module_for(1194)->name(), "openvpn");
  EXPECT_EQ(p.module_for(1194, Transport::udp)->name(), "openvpn-udp");
  const auto on443 = p.modules_for(443);
  ASSERT_EQ(on443.size(), 2u);
  EXPECT_EQ(on443[0]->name(), "https");
  EXPECT_EQ(on443[1]->name(), "openvpn");
  EXPECT_EQ(registry.find("l2tp")->transport(), Transport::udp);
  EXPECT_EQ(registry.find("openvpn")->transport(), Transport::tcp);
}

}  // namespace
}  // namespace fumidai::scanner
