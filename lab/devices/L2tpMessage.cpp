#include "L2tpMessage.h"

#include "WireBytes.h"

namespace fumidai::lab {
namespace {

// Flags and version of a control message: T (control), L (length present),
// S (sequence numbers present), O and P clear, version 2.
constexpr std::uint16_t kControlFlags = 0xC802;
constexpr std::uint16_t kControlFlagsMask = 0xCB0F;
constexpr std::uint16_t kMandatory = 0x8000;
constexpr std::uint16_t kHidden = 0x4000;
constexpr std::uint16_t kLengthMask = 0x03FF;
constexpr std::size_t kAvpHeaderBytes = 6;  // flags and length, vendor id, attribute type
constexpr std::uint16_t kReceiveWindowSize = 4;

enum Attribute : std::uint16_t {
  kMessageType = 0,
  kProtocolVersionAvp = 2,
  kFramingCapabilities = 3,
  kBearerCapabilities = 4,
  kFirmwareRevision = 6,
  kHostName = 7,
  kVendorName = 8,
  kAssignedTunnelId = 9,
  kReceiveWindowSizeAvp = 10,
};

std::string header(std::uint16_t tunnel_id, std::uint16_t ns, std::uint16_t nr) {
  std::string out;
  wire::append_u16(out, kControlFlags);
  wire::append_u16(out, 0);  // length, set when the message is complete
  wire::append_u16(out, tunnel_id);
  wire::append_u16(out, 0);  // session id: control messages of the tunnel
  wire::append_u16(out, ns);
  wire::append_u16(out, nr);
  return out;
}

void append_avp(std::string& out, bool mandatory, Attribute type, std::string_view value) {
  wire::append_u16(out, static_cast<std::uint16_t>((mandatory ? kMandatory : 0) | (kAvpHeaderBytes + value.size())));
  wire::append_u16(out, 0);  // IETF
  wire::append_u16(out, type);
  out.append(value);
}

std::string u16_value(std::uint16_t v) {
  std::string out;
  wire::append_u16(out, v);
  return out;
}

std::string u32_value(std::uint32_t v) {
  std::string out;
  wire::append_u32(out, v);
  return out;
}

}  // namespace

std::optional<L2tpMessage> L2tpMessage::parse(std::string_view datagram) {
  if (datagram.size() < kHeaderBytes) return std::nullopt;
  if ((wire::u16(datagram, 0) & kControlFlagsMask) != kControlFlags) return std::nullopt;
  const std::size_t length = wire::u16(datagram, 2);
  if (length < kHeaderBytes || length > datagram.size()) return std::nullopt;
  L2tpMessage message;
  message.tunnel_id = wire::u16(datagram, 4);
  message.session_id = wire::u16(datagram, 6);
  message.ns = wire::u16(datagram, 8);
  message.nr = wire::u16(datagram, 10);
  if (length == kHeaderBytes) {
    message.zlb = true;
    return message;
  }
  // Each AVP is at least 6 bytes, so this loop runs at most length / 6 times.
  for (std::size_t at = kHeaderBytes; at < length;) {
    if (length - at < kAvpHeaderBytes) return std::nullopt;
    const std::uint16_t bits = wire::u16(datagram, at);
    const std::size_t avp_length = bits & kLengthMask;
    if (avp_length < kAvpHeaderBytes || avp_length > length - at) return std::nullopt;
    const std::uint16_t vendor = wire::u16(datagram, at + 2);
    const std::uint16_t type = wire::u16(datagram, at + 4);
    const std::string_view value = datagram.substr(at + kAvpHeaderBytes, avp_length - kAvpHeaderBytes);
    const bool readable = vendor == 0 && (bits & kHidden) == 0;
    if (at == kHeaderBytes) {
      // RFC 2661 4.1: the Message Type AVP comes first, in the clear.
      if (!readable || type != kMessageType || value.size() != 2) return std::nullopt;
      message.message_type = wire::u16(value, 0);
    } else if (readable && type == kMessageType) {
      return std::nullopt;
    } else if (readable && (type == kProtocolVersionAvp || type == kAssignedTunnelId)) {
      if (value.size() != 2) return std::nullopt;
      (type == kProtocolVersionAvp ? message.protocol_version : message.assigned_tunnel_id) = wire::u16(value, 0);
    }
    at += avp_length;
  }
  return message;
}

std::string L2tpMessage::start_reply(const DevicePersona::Tunnel& tunnel) {
  std::string out = header(0, 0, 0);
  append_avp(out, true, kMessageType, u16_value(kStartReply));
  append_avp(out, true, kProtocolVersionAvp, u16_value(kProtocolVersion));
  append_avp(out, true, kAssignedTunnelId, u16_value(0));
  append_avp(out, true, kFramingCapabilities, u32_value(tunnel.framing_capabilities));
  append_avp(out, true, kBearerCapabilities, u32_value(tunnel.bearer_capabilities));
  append_avp(out, false, kFirmwareRevision, u16_value(tunnel.firmware_revision));
  append_avp(out, true, kHostName, tunnel.host_name);
  append_avp(out, false, kVendorName, tunnel.vendor);
  append_avp(out, true, kReceiveWindowSizeAvp, u16_value(kReceiveWindowSize));
  wire::put_u16(out, 2, static_cast<std::uint16_t>(out.size()));
  return out;
}

void L2tpMessage::address_start_reply(std::string& reply, const L2tpMessage& request,
                                      std::uint16_t assigned_tunnel_id) {
  wire::put_u16(reply, 4, request.assigned_tunnel_id);
  wire::put_u16(reply, 8, 0);
  wire::put_u16(reply, 10, static_cast<std::uint16_t>(request.ns + 1));
  wire::put_u16(reply, kAssignedTunnelIdAt, assigned_tunnel_id);
}

std::string L2tpMessage::zlb_ack(const L2tpMessage& request) {
  std::string out = header(request.assigned_tunnel_id, request.nr, static_cast<std::uint16_t>(request.ns + 1));
  wire::put_u16(out, 2, static_cast<std::uint16_t>(out.size()));
  return out;
}

}  // namespace fumidai::lab
