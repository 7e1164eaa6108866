#include "fumidai/scanner/probes/l2tp/L2tpControl.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "fumidai/scanner/packet/ByteOrder.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner::l2tp {

namespace {

// Header flags (RFC 2661, 3.1).
constexpr std::uint16_t kTypeBit = 0x8000;  // T: control message
constexpr std::uint16_t kLengthBit = 0x4000;
constexpr std::uint16_t kSequenceBit = 0x0800;
constexpr std::uint16_t kOffsetBit = 0x0200;
constexpr std::uint16_t kVersionMask = 0x000F;
constexpr std::uint16_t kVersion = 2;
constexpr std::uint16_t kControlFlags = kTypeBit | kLengthBit | kSequenceBit | kVersion;

// AVP header (RFC 2661, 4.1): M, H, four reserved bits, a 10-bit length.
constexpr std::uint16_t kMandatoryBit = 0x8000;
constexpr std::uint16_t kHiddenBit = 0x4000;
constexpr std::uint16_t kAvpLengthMask = 0x03FF;
constexpr std::size_t kAvpHeaderBytes = 6;

// IETF AVP types (vendor 0) this parser decodes or sends (RFC 2661, 4.4).
enum AvpType : std::uint16_t {
  kMessageTypeAvp = 0,
  kResultCodeAvp = 1,
  kProtocolVersionAvp = 2,
  kFramingCapabilitiesAvp = 3,
  kBearerCapabilitiesAvp = 4,
  kFirmwareRevisionAvp = 6,
  kHostNameAvp = 7,
  kVendorNameAvp = 8,
  kAssignedTunnelIdAvp = 9,
  kReceiveWindowSizeAvp = 10,
  kChallengeAvp = 11,
};

constexpr std::string_view kOurName = "fumidai";
constexpr std::uint32_t kAsyncAndSyncFraming = 1 | 2;
constexpr std::uint32_t kAnalogAndDigitalBearer = 1 | 2;
constexpr std::uint16_t kReceiveWindow = 4;  // RFC 2661's default

std::string_view message_name(std::uint16_t type) {
  static constexpr std::string_view kNames[] = {
      "",     "SCCRQ", "SCCRP", "SCCCN", "StopCCN", "",    "HELLO", "OCRQ", "OCRP",
      "OCCN", "ICRQ",  "ICRP",  "ICCN",  "",        "CDN", "WEN",   "SLI",
  };
  return type < std::size(kNames) && !kNames[type].empty() ? kNames[type] : "unknown";
}

// StopCCN's Result Code (RFC 2661, 4.4.2).
std::string_view result_name(std::uint16_t code) {
  static constexpr std::string_view kNames[] = {
      "unknown",        "clear-request",
      "general-error",  "control-channel-exists",
      "not-authorized", "protocol-version-not-supported",
      "shutting-down",  "state-machine-error",
  };
  return code < std::size(kNames) ? kNames[code] : "unknown";
}

// Appends AVPs to a message being built; the caller sized the buffer.
class AvpWriter {
 public:
  explicit AvpWriter(std::uint8_t* p) : p_(p) {}
  void u16(std::uint16_t type, std::uint16_t value) {
    header(type, 2, true);
    put16(p_, value);
    p_ += 2;
  }
  void u32(std::uint16_t type, std::uint32_t value) {
    header(type, 4, true);
    put32(p_, value);
    p_ += 4;
  }
  void text(std::uint16_t type, std::string_view value, bool mandatory) {
    header(type, value.size(), mandatory);
    p_ = std::copy(value.begin(), value.end(), p_);
  }

 private:
  void header(std::uint16_t type, std::size_t value_bytes, bool mandatory) {
    put16(p_, static_cast<std::uint16_t>((mandatory ? kMandatoryBit : 0) | (kAvpHeaderBytes + value_bytes)));
    put16(p_ + 2, 0);  // IETF
    put16(p_ + 4, type);
    p_ += kAvpHeaderBytes;
  }
  std::uint8_t* p_;
};

void put_header(std::uint8_t* p, std::uint16_t length, std::uint16_t tunnel_id, std::uint16_t ns, std::uint16_t nr) {
  put16(p, kControlFlags);
  put16(p + 2, length);
  put16(p + 4, tunnel_id);
  put16(p + 6, 0);  // session
  put16(p + 8, ns);
  put16(p + 10, nr);
}

Message invalid(Message m, std::string error) {
  m.valid = false;
  m.error = "l2tp: " + std::move(error);
  return m;
}

bool decodes(std::uint16_t type) {
  switch (type) {
    case kMessageTypeAvp:
    case kResultCodeAvp:
    case kProtocolVersionAvp:
    case kFramingCapabilitiesAvp:
    case kBearerCapabilitiesAvp:
    case kFirmwareRevisionAvp:
    case kHostNameAvp:
    case kVendorNameAvp:
    case kAssignedTunnelIdAvp:
    case kReceiveWindowSizeAvp:
    case kChallengeAvp:
      return true;
    default:
      return false;
  }
}

// Decodes an unhidden IETF AVP of a type decodes() names into `m`; the
// first of a repeated AVP wins. An error for a value of the wrong size.
std::optional<std::string> decode(Message& m, std::uint16_t type, std::span<const std::uint8_t> value) {
  const auto sized = [&](std::size_t want) -> std::optional<std::string> {
    if (value.size() == want) return std::nullopt;
    return fmt::format("AVP type {}: a value of {} bytes, expected {}", type, value.size(), want);
  };
  const auto text = [&] { return std::string(reinterpret_cast<const char*>(value.data()), value.size()); };
  switch (type) {
    case kMessageTypeAvp:
      if (auto e = sized(2)) return e;
      if (!m.message_type) m.message_type = get16(value.data());
      return std::nullopt;
    case kResultCodeAvp:
      if (value.size() < 2 || value.size() == 3)
        return fmt::format("AVP Result Code: a value of {} bytes, expected 2 or 4 and more", value.size());
      if (m.result_code) return std::nullopt;
      m.result_code = get16(value.data());
      if (value.size() >= 4) m.error_code = get16(value.data() + 2);
      if (value.size() > 4)
        m.error_message = std::string(reinterpret_cast<const char*>(value.data() + 4), value.size() - 4);
      return std::nullopt;
    case kProtocolVersionAvp:
      if (auto e = sized(2)) return e;
      if (!m.protocol_version) m.protocol_version = get16(value.data());
      return std::nullopt;
    case kFramingCapabilitiesAvp:
      if (auto e = sized(4)) return e;
      if (!m.framing_capabilities) m.framing_capabilities = get32(value.data());
      return std::nullopt;
    case kBearerCapabilitiesAvp:
      if (auto e = sized(4)) return e;
      if (!m.bearer_capabilities) m.bearer_capabilities = get32(value.data());
      return std::nullopt;
    case kFirmwareRevisionAvp:
      if (auto e = sized(2)) return e;
      if (!m.firmware_revision) m.firmware_revision = get16(value.data());
      return std::nullopt;
    case kHostNameAvp:
      if (!m.host_name) m.host_name = text();
      return std::nullopt;
    case kVendorNameAvp:
      if (!m.vendor_name) m.vendor_name = text();
      return std::nullopt;
    case kAssignedTunnelIdAvp:
      if (auto e = sized(2)) return e;
      if (!m.assigned_tunnel_id) m.assigned_tunnel_id = get16(value.data());
      return std::nullopt;
    case kReceiveWindowSizeAvp:
      if (auto e = sized(2)) return e;
      if (!m.receive_window_size) m.receive_window_size = get16(value.data());
      return std::nullopt;
    case kChallengeAvp:
      m.challenge = true;
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

}  // namespace

std::size_t build_sccrq(std::span<std::uint8_t> out, std::uint16_t tunnel_id) {
  if (out.size() < kSccrqBytes || tunnel_id == 0) return 0;
  put_header(out.data(), kSccrqBytes, 0, 0, 0);
  AvpWriter avps(out.data() + kHeaderBytes);
  avps.u16(kMessageTypeAvp, kSccrq);
  avps.u16(kProtocolVersionAvp, 0x0100);
  avps.text(kHostNameAvp, kOurName, true);
  avps.u32(kFramingCapabilitiesAvp, kAsyncAndSyncFraming);
  avps.u32(kBearerCapabilitiesAvp, kAnalogAndDigitalBearer);
  avps.text(kVendorNameAvp, kOurName, false);
  avps.u16(kAssignedTunnelIdAvp, tunnel_id);
  avps.u16(kReceiveWindowSizeAvp, kReceiveWindow);
  return kSccrqBytes;
}

std::size_t build_stopccn(std::span<std::uint8_t> out, std::uint16_t peer_tunnel_id, std::uint16_t tunnel_id,
                          std::uint16_t ns, std::uint16_t nr) {
  if (out.size() < kStopCcnBytes) return 0;
  put_header(out.data(), kStopCcnBytes, peer_tunnel_id, ns, nr);
  AvpWriter avps(out.data() + kHeaderBytes);
  avps.u16(kMessageTypeAvp, kStopCcn);
  avps.u16(kResultCodeAvp, 1);  // general request to clear the control connection
  avps.u16(kAssignedTunnelIdAvp, tunnel_id);
  return kStopCcnBytes;
}

bool answers(std::span<const std::uint8_t> datagram, std::uint16_t tunnel_id) {
  if (datagram.size() < kHeaderBytes) return false;
  const std::uint16_t flags = get16(datagram.data());
  const std::uint16_t length = get16(datagram.data() + 2);
  return (flags & kControlFlags) == kControlFlags && (flags & (kOffsetBit | kVersionMask)) == kVersion &&
         length >= kHeaderBytes && length <= datagram.size() && get16(datagram.data() + 4) == tunnel_id;
}

Message parse_message(std::span<const std::uint8_t> datagram) {
  Message m;
  if (datagram.size() < 2) return invalid(m, fmt::format("truncated: {} bytes", datagram.size()));
  const std::uint16_t flags = get16(datagram.data());
  if ((flags & kTypeBit) == 0) return invalid(m, "a data message, not a control message");
  if ((flags & kVersionMask) != kVersion)
    return invalid(m, fmt::format("version {}, expected {}", flags & kVersionMask, kVersion));
  if ((flags & (kLengthBit | kSequenceBit | kOffsetBit)) != (kLengthBit | kSequenceBit))
    return invalid(m, fmt::format("header flags {:#06x}: a control message has L and S set and O clear", flags));
  if (datagram.size() < kHeaderBytes)
    return invalid(m, fmt::format("truncated: {} of {} header bytes", datagram.size(), kHeaderBytes));
  m.length = get16(datagram.data() + 2);
  if (m.length < kHeaderBytes || m.length > datagram.size())
    return invalid(m, fmt::format("length field {} in a datagram of {} bytes", m.length, datagram.size()));
  m.tunnel_id = get16(datagram.data() + 4);
  m.session_id = get16(datagram.data() + 6);
  m.ns = get16(datagram.data() + 8);
  m.nr = get16(datagram.data() + 10);
  m.has_header = true;

  // The AVPs fill the message exactly; bytes after `length` are not ours.
  const std::span<const std::uint8_t> body = datagram.subspan(kHeaderBytes, m.length - kHeaderBytes);
  std::size_t offset = 0;
  while (offset < body.size()) {
    const std::size_t at = kHeaderBytes + offset;
    const std::size_t left = body.size() - offset;
    if (left < kAvpHeaderBytes)
      return invalid(m, fmt::format("AVP at byte {}: {} bytes left, less than an AVP header", at, left));
    const std::uint16_t head = get16(body.data() + offset);
    const std::size_t length = head & kAvpLengthMask;
    if (length < kAvpHeaderBytes || length > left)
      return invalid(m, fmt::format("AVP at byte {}: length {} with {} bytes left", at, length, left));
    Avp avp{get16(body.data() + offset + 2), get16(body.data() + offset + 4), static_cast<std::uint16_t>(length),
            (head & kMandatoryBit) != 0, (head & kHiddenBit) != 0};
    const auto value = body.subspan(offset + kAvpHeaderBytes, length - kAvpHeaderBytes);
    offset += length;
    if (at == kHeaderBytes && (avp.vendor_id != 0 || avp.type != kMessageTypeAvp || avp.hidden))
      return invalid(m, "the first AVP is not an unhidden Message Type");
    if (avp.vendor_id == 0 && !avp.hidden && decodes(avp.type)) {
      if (auto error = decode(m, avp.type, value)) return invalid(m, std::move(*error));
      continue;
    }
    // Vendors' AVPs, hidden ones (their values need the tunnel's secret) and
    // IETF types not decoded: what they were, not what they said.
    if (m.other_avps.size() < kMaxOtherAvps)
      m.other_avps.push_back(avp);
    else
      m.other_avps_truncated = true;
  }
  if (!m.message_type) return invalid(m, "a ZLB acknowledgement (no AVPs), not an SCCRP");
  if (*m.message_type != kSccrp && *m.message_type != kStopCcn)
    return invalid(m, fmt::format("message type {} ({}), expected SCCRP (2) or StopCCN (4)", *m.message_type,
                                  message_name(*m.message_type)));
  m.valid = true;
  return m;
}

boost::json::object describe(const Message& m) {
  boost::json::object o;
  if (m.message_type) {
    o["message_type"] = *m.message_type;
    o["message"] = message_name(*m.message_type);
  }
  if (m.protocol_version)
    o["protocol_version"] = fmt::format("{}.{}", *m.protocol_version >> 8, *m.protocol_version & 0xFF);
  if (m.host_name) o["host_name"] = json_safe_text(*m.host_name);
  if (m.vendor_name) o["vendor"] = json_safe_text(*m.vendor_name);
  if (m.firmware_revision) o["firmware_revision"] = *m.firmware_revision;
  if (m.assigned_tunnel_id) o["assigned_tunnel_id"] = *m.assigned_tunnel_id;
  if (m.framing_capabilities) o["framing_capabilities"] = *m.framing_capabilities;
  if (m.bearer_capabilities) o["bearer_capabilities"] = *m.bearer_capabilities;
  if (m.receive_window_size) o["receive_window_size"] = *m.receive_window_size;
  if (m.result_code) {
    o["result_code"] = *m.result_code;
    o["result"] = result_name(*m.result_code);
  }
  if (m.error_code) o["error_code"] = *m.error_code;
  if (m.error_message) o["error_message"] = json_safe_text(*m.error_message);
  if (m.message_type) o["challenge"] = m.challenge;
  if (!m.other_avps.empty()) {
    boost::json::array avps;
    for (const Avp& a : m.other_avps)
      avps.emplace_back(boost::json::object{{"vendor_id", a.vendor_id},
                                            {"type", a.type},
                                            {"length", a.length},
                                            {"mandatory", a.mandatory},
                                            {"hidden", a.hidden}});
    o["other_avps"] = std::move(avps);
  }
  if (m.other_avps_truncated) o["other_avps_truncated"] = true;
  return o;
}

}  // namespace fumidai::scanner::l2tp
