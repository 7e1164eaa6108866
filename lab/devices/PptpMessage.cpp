#include "PptpMessage.h"

#include <algorithm>

#include "WireBytes.h"

namespace fumidai::lab {
namespace {

constexpr std::uint16_t kProtocolVersion = 0x0100;
constexpr std::uint8_t kResultSuccess = 1;

// Length, PPTP message type, magic cookie, control type and Reserved0.
std::string header(std::size_t length, std::uint16_t control_type) {
  std::string out;
  out.reserve(length);
  wire::append_u16(out, static_cast<std::uint16_t>(length));
  wire::append_u16(out, PptpMessage::kControlMessage);
  wire::append_u32(out, PptpMessage::kMagicCookie);
  wire::append_u16(out, control_type);
  wire::append_u16(out, 0);
  return out;
}

void append_padded(std::string& out, std::string_view text) {
  const std::size_t n = std::min(text.size(), PptpMessage::kNameBytes);
  out.append(text.substr(0, n));
  out.append(PptpMessage::kNameBytes - n, '\0');
}

}  // namespace

PptpMessage PptpMessage::frame(std::string_view stream) {
  PptpMessage message;
  if (stream.size() >= 2) {
    const std::size_t length = wire::u16(stream, 0);
    if (length < kHeaderBytes || length > kMaxBytes) return {Status::invalid};
  }
  if (stream.size() >= 4 && wire::u16(stream, 2) != kControlMessage) return {Status::invalid};
  if (stream.size() >= 8 && wire::u32(stream, 4) != kMagicCookie) return {Status::invalid};
  if (stream.size() < kHeaderBytes || stream.size() < wire::u16(stream, 0)) return message;
  message.status = Status::complete;
  message.length = wire::u16(stream, 0);
  message.control_type = wire::u16(stream, 8);
  return message;
}

std::string PptpMessage::start_reply(const DevicePersona::Tunnel& tunnel) {
  std::string out = header(kStartBytes, kStartReply);
  wire::append_u16(out, kProtocolVersion);
  out.push_back(static_cast<char>(kResultSuccess));
  out.push_back('\0');  // error code
  wire::append_u32(out, tunnel.framing_capabilities);
  wire::append_u32(out, tunnel.bearer_capabilities);
  wire::append_u16(out, tunnel.max_channels);
  wire::append_u16(out, tunnel.firmware_revision);
  append_padded(out, tunnel.host_name);
  append_padded(out, tunnel.vendor);
  return out;
}

std::string PptpMessage::stop_reply() {
  std::string out = header(kStopBytes, kStopReply);
  out.push_back(static_cast<char>(kResultSuccess));
  out.push_back('\0');  // error code
  wire::append_u16(out, 0);
  return out;
}

}  // namespace fumidai::lab
