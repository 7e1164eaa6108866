#include "fumidai/scanner/probes/openvpn/OpenVpnPacket.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "fumidai/core/Hex.h"
#include "fumidai/scanner/packet/ByteOrder.h"

namespace fumidai::scanner::openvpn {

namespace {

constexpr std::size_t kPacketIdBytes = 4;

std::string_view opcode_name(std::uint8_t opcode) {
  static constexpr std::string_view kNames[] = {
      "unknown",
      "P_CONTROL_HARD_RESET_CLIENT_V1",
      "P_CONTROL_HARD_RESET_SERVER_V1",
      "P_CONTROL_SOFT_RESET_V1",
      "P_CONTROL_V1",
      "P_ACK_V1",
      "P_DATA_V1",
      "P_CONTROL_HARD_RESET_CLIENT_V2",
      "P_CONTROL_HARD_RESET_SERVER_V2",
      "P_DATA_V2",
      "P_CONTROL_HARD_RESET_CLIENT_V3",
      "P_CONTROL_WKC_V1",
  };
  return opcode < std::size(kNames) ? kNames[opcode] : "unknown";
}

Packet invalid(Packet p, std::string error) {
  p.valid = false;
  p.error = "openvpn: " + std::move(error);
  return p;
}

}  // namespace

std::size_t build_reset(std::span<std::uint8_t> out, const SessionId& session_id) {
  if (out.size() < kResetBytes) return 0;
  out[0] = kControlHardResetClientV2 << 3;  // key ID 0
  std::copy(session_id.begin(), session_id.end(), out.begin() + 1);
  out[9] = 0;                 // no acknowledgements
  put32(out.data() + 10, 0);  // message packet ID
  return kResetBytes;
}

bool answers(std::span<const std::uint8_t> packet, const SessionId& session_id) {
  const Packet p = parse_packet(packet);
  return p.valid && p.remote_session_id == session_id;
}

Packet parse_packet(std::span<const std::uint8_t> packet) {
  Packet p;
  if (packet.empty()) return invalid(p, "an empty packet");
  const std::uint8_t opcode = packet[0] >> 3;
  p.opcode = opcode;
  p.key_id = packet[0] & 0x07;
  if (opcode == kDataV1 || opcode == kDataV2)
    return invalid(p, fmt::format("a data packet ({}), not a control packet", opcode_name(opcode)));
  if (opcode == 0 || opcode > kControlWkcV1) return invalid(p, fmt::format("opcode {} is not OpenVPN's", opcode));
  std::span<const std::uint8_t> rest = packet.subspan(1);
  const auto truncated = [&](std::string_view field) {
    return invalid(p, fmt::format("{} of {} bytes ends before its {}", opcode_name(opcode), packet.size(), field));
  };

  if (rest.size() < sizeof(SessionId)) return truncated("session ID");
  p.session_id.emplace();
  std::copy_n(rest.begin(), sizeof(SessionId), p.session_id->begin());
  rest = rest.subspan(sizeof(SessionId));

  if (rest.empty()) return truncated("acknowledgement count");
  const std::size_t acks = rest[0];
  rest = rest.subspan(1);
  if (rest.size() < acks * kPacketIdBytes) return truncated("acknowledged packet IDs");
  p.acked_packet_ids.emplace();
  for (std::size_t i = 0; i < acks; ++i) p.acked_packet_ids->push_back(get32(rest.data() + i * kPacketIdBytes));
  rest = rest.subspan(acks * kPacketIdBytes);
  if (acks > 0) {
    if (rest.size() < sizeof(SessionId)) return truncated("remote session ID");
    p.remote_session_id.emplace();
    std::copy_n(rest.begin(), sizeof(SessionId), p.remote_session_id->begin());
    rest = rest.subspan(sizeof(SessionId));
  }

  if (opcode != kAckV1) {
    if (rest.size() < kPacketIdBytes) return truncated("message packet ID");
    p.message_packet_id = get32(rest.data());
    rest = rest.subspan(kPacketIdBytes);
  }
  p.payload_length = rest.size();
  p.valid = true;
  return p;
}

TcpFrame tcp_frame(std::span<const std::uint8_t> stream) {
  TcpFrame f;
  if (stream.size() < kTcpLengthBytes) return f;
  f.length = get16(stream.data());
  if (f.length == 0 || f.length > kMaxPacketBytes) {
    f.state = TcpFrame::State::invalid;
    f.error = fmt::format("openvpn: packet length field {} is outside 1..{}", f.length, kMaxPacketBytes);
  } else if (stream.size() >= kTcpLengthBytes + f.length) {
    f.state = TcpFrame::State::complete;
  }
  return f;
}

boost::json::object describe(const Packet& p) {
  boost::json::object o;
  if (!p.opcode) return o;
  o["opcode"] = *p.opcode;
  o["message"] = opcode_name(*p.opcode);
  o["key_id"] = p.key_id;
  if (p.session_id) o["session_id"] = to_hex(*p.session_id);
  if (p.acked_packet_ids) {
    boost::json::array ids;
    for (std::uint32_t id : *p.acked_packet_ids) ids.emplace_back(id);
    o["acked_packet_ids"] = std::move(ids);
  }
  if (p.remote_session_id) o["remote_session_id"] = to_hex(*p.remote_session_id);
  if (p.message_packet_id) o["message_packet_id"] = *p.message_packet_id;
  if (p.valid) o["payload_length"] = p.payload_length;
  return o;
}

}  // namespace fumidai::scanner::openvpn
