#pragma once
// OpenVPN's control-channel packets without tls-auth (OpenVPN's
// ssl_pkt.h / reliable.c layout): opcode and key ID, the sender's session
// ID, an array of acknowledged packet IDs and, when it is not empty, the
// session ID they acknowledge, then a message packet ID and the TLS
// payload. Enough to send P_CONTROL_HARD_RESET_CLIENT_V2 and read what
// answers it. Stage 1's UDP payloads and stage 2's "openvpn" and
// "openvpn-udp" modules share these functions: build_reset() into the
// caller's buffer, answers() to match a reply to the probe, parse_packet()
// + describe() for what a record holds.
//
// Our session ID is the probe's cookie: a server acknowledges our reset by
// echoing it. A server with tls-auth or tls-crypt drops the reset unread,
// so silence is not a closed port. parse_packet() reads an untrusted packet:
// bounded by its size, never throws. Pure functions, any thread.
#include <array>
#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace fumidai::scanner::openvpn {

using SessionId = std::array<std::uint8_t, 8>;

enum Opcode : std::uint8_t {
  kControlHardResetClientV1 = 1,
  kControlHardResetServerV1 = 2,
  kControlSoftResetV1 = 3,
  kControlV1 = 4,
  kAckV1 = 5,
  kDataV1 = 6,
  kControlHardResetClientV2 = 7,
  kControlHardResetServerV2 = 8,
  kDataV2 = 9,
  kControlHardResetClientV3 = 10,
  kControlWkcV1 = 11,
};

inline constexpr std::size_t kResetBytes = 14;  // opcode, session ID, no acks, packet ID
// Over TCP each packet has a 2-byte big-endian length before it.
inline constexpr std::size_t kTcpLengthBytes = 2;
// OpenVPN's control packets stay under its TLS fragment size (1250 bytes
// by default); a length field beyond this is not OpenVPN.
inline constexpr std::size_t kMaxPacketBytes = 2048;

// P_CONTROL_HARD_RESET_CLIENT_V2, key ID 0, from session `session_id`,
// acknowledging nothing, message packet ID 0, no payload. Returns the bytes
// written, 0 when `out` is shorter than kResetBytes.
std::size_t build_reset(std::span<std::uint8_t> out, const SessionId& session_id);

// Whether `packet` (a UDP datagram, or one TCP packet without its length)
// is a control packet that acknowledges our session `session_id`.
bool answers(std::span<const std::uint8_t> packet, const SessionId& session_id);

struct Packet {
  bool valid = false;
  std::string error;  // why not valid: one line
  std::optional<std::uint8_t> opcode;
  std::uint8_t key_id = 0;
  std::optional<SessionId> session_id;  // the sender's
  std::optional<std::vector<std::uint32_t>> acked_packet_ids;
  std::optional<SessionId> remote_session_id;      // present when there are acks
  std::optional<std::uint32_t> message_packet_id;  // absent from P_ACK_V1
  std::size_t payload_length = 0;
};

// Reads one packet. Valid: a control opcode (not data, not unknown) and
// every field the opcode calls for within the packet; the fields read up to
// the error otherwise. Whether it answers our reset is answers()'s call.
Packet parse_packet(std::span<const std::uint8_t> packet);

// Where a TCP stream's first packet stands, from the bytes so far.
struct TcpFrame {
  enum class State { incomplete, complete, invalid } state = State::incomplete;
  std::size_t length = 0;  // the packet's, once the length field is there
  std::string error;
};
TcpFrame tcp_frame(std::span<const std::uint8_t> stream);

// The packet's fields as a record's data (see service-record.v1.schema.json).
boost::json::object describe(const Packet& packet);

}  // namespace fumidai::scanner::openvpn
