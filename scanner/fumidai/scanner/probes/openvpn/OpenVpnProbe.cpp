#include "fumidai/scanner/probes/openvpn/OpenVpnProbe.h"

#include <fmt/format.h>
#include <sys/random.h>

#include <array>
#include <vector>

#include "fumidai/scanner/packet/ByteOrder.h"
#include "fumidai/scanner/probes/ProbeIo.h"
#include "fumidai/scanner/probes/openvpn/OpenVpnPacket.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {
namespace {

constexpr std::string_view kSilentNote = "no answer: a server with tls-auth or tls-crypt stays silent";
// What OpenVPN 2.6 does over TCP with tls-auth: it reads the reset, finds
// no HMAC, and closes the connection.
constexpr std::string_view kClosedNote =
    "closed without an answer: a server with tls-auth or tls-crypt closes on a reset it cannot authenticate";

openvpn::SessionId random_session_id() {
  openvpn::SessionId id{};
  (void)::getrandom(id.data(), id.size(), 0);  // a cookie need not be secret, only unpredictable enough
  return id;
}

ProbeOutcome silent_or_failed(const IoStatus& io) {
  ProbeOutcome outcome = outcome_from_io(io);
  if (io.error == IoError::timeout) outcome.data["note"] = kSilentNote;
  if (io.error == IoError::eof) outcome.data["note"] = kClosedNote;
  return outcome;
}

ProbeOutcome protocol_error(boost::json::object data, std::string_view error) {
  ProbeOutcome outcome;
  outcome.status = GrabStatus::protocol_error;
  outcome.error = json_safe_text(error);
  outcome.data = std::move(data);
  return outcome;
}

boost::asio::awaitable<ProbeOutcome> grab_udp(ProbeSession& session, const openvpn::SessionId& id) {
  std::array<std::uint8_t, openvpn::kResetBytes> request;
  openvpn::build_reset(request, id);
  std::array<std::uint8_t, kProbeReadChunk> buffer;
  const ReadResult read = co_await udp_exchange(
      session, request, buffer, [&](std::span<const std::uint8_t> d) { return openvpn::answers(d, id); });
  if (!read.status.ok()) co_return silent_or_failed(read.status);
  ProbeOutcome outcome;
  outcome.data = openvpn::describe(openvpn::parse_packet(std::span<const std::uint8_t>(buffer.data(), read.bytes)));
  co_return outcome;
}

boost::asio::awaitable<ProbeOutcome> grab_tcp(ProbeSession& session, const openvpn::SessionId& id) {
  std::array<std::uint8_t, openvpn::kTcpLengthBytes + openvpn::kResetBytes> request;
  put16(request.data(), openvpn::kResetBytes);
  openvpn::build_reset(std::span(request).subspan(openvpn::kTcpLengthBytes), id);
  IoStatus io = co_await session.write(std::span<const std::uint8_t>(request));

  std::vector<std::uint8_t> received;
  openvpn::TcpFrame frame;
  if (io.ok()) {
    std::size_t total = 0;
    io = co_await read_until(
        session, openvpn::kTcpLengthBytes + openvpn::kMaxPacketBytes, total, [&](std::span<const std::uint8_t> bytes) {
          received.insert(received.end(), bytes.begin(), bytes.end());
          frame = openvpn::tcp_frame(received);
          return frame.state == openvpn::TcpFrame::State::incomplete ? FeedVerdict::more : FeedVerdict::done;
        });
  }
  if (received.empty()) co_return silent_or_failed(io);
  if (frame.state == openvpn::TcpFrame::State::invalid) co_return protocol_error({}, frame.error);
  if (received.size() < openvpn::kTcpLengthBytes)
    co_return protocol_error({}, "openvpn: truncated: 1 byte, less than a packet length");
  if (frame.state == openvpn::TcpFrame::State::incomplete)
    co_return protocol_error({}, fmt::format("openvpn: truncated: {} bytes of a {}-byte packet",
                                             received.size() - openvpn::kTcpLengthBytes, frame.length));

  const openvpn::Packet reply =
      openvpn::parse_packet(std::span<const std::uint8_t>(received).subspan(openvpn::kTcpLengthBytes, frame.length));
  boost::json::object data = openvpn::describe(reply);
  if (!reply.valid) co_return protocol_error(std::move(data), reply.error);
  if (reply.remote_session_id != id)
    co_return protocol_error(std::move(data), "openvpn: the reply does not acknowledge our session ID");
  ProbeOutcome outcome;
  outcome.data = std::move(data);
  co_return outcome;
}

}  // namespace

boost::asio::awaitable<ProbeOutcome> OpenVpnProbe::run(ProbeSession& session) const {
  const openvpn::SessionId id = random_session_id();
  if (transport_ == Transport::udp) co_return co_await grab_udp(session, id);
  co_return co_await grab_tcp(session, id);
}

}  // namespace fumidai::scanner
