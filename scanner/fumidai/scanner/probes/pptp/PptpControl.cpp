#include "fumidai/scanner/probes/pptp/PptpControl.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include "fumidai/scanner/packet/ByteOrder.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner::pptp {

namespace {

// Field offsets in a Start-Control-Connection message (RFC 2637, 2.1-2.2).
constexpr std::size_t kLengthAt = 0;
constexpr std::size_t kMessageTypeAt = 2;
constexpr std::size_t kMagicAt = 4;
constexpr std::size_t kControlTypeAt = 8;
constexpr std::size_t kProtocolVersionAt = 12;
constexpr std::size_t kResultCodeAt = 14;  // Reserved1 in the Request
constexpr std::size_t kErrorCodeAt = 15;
constexpr std::size_t kFramingAt = 16;
constexpr std::size_t kBearerAt = 20;
constexpr std::size_t kMaxChannelsAt = 24;
constexpr std::size_t kFirmwareAt = 26;
constexpr std::size_t kHostNameAt = 28;
constexpr std::size_t kVendorAt = 92;
constexpr std::size_t kNameBytes = 64;

constexpr std::uint16_t kProtocolVersion = 0x0100;
constexpr std::uint32_t kAsyncAndSyncFraming = 1 | 2;
constexpr std::uint32_t kAnalogAndDigitalBearer = 1 | 2;
constexpr std::string_view kOurName = "fumidai";

std::string_view control_type_name(std::uint16_t type) {
  static constexpr std::string_view kNames[] = {
      "",
      "Start-Control-Connection-Request",
      "Start-Control-Connection-Reply",
      "Stop-Control-Connection-Request",
      "Stop-Control-Connection-Reply",
      "Echo-Request",
      "Echo-Reply",
      "Outgoing-Call-Request",
      "Outgoing-Call-Reply",
      "Incoming-Call-Request",
      "Incoming-Call-Reply",
      "Incoming-Call-Connected",
      "Call-Clear-Request",
      "Call-Disconnect-Notify",
      "WAN-Error-Notify",
      "Set-Link-Info",
  };
  return type >= 1 && type < std::size(kNames) ? kNames[type] : "unknown";
}

// RFC 2637, 2.2: the Reply's Result Code.
std::string_view result_name(std::uint8_t code) {
  switch (code) {
    case 1:
      return "success";
    case 2:
      return "general-error";
    case 3:
      return "command-channel-exists";
    case 4:
      return "not-authorized";
    case 5:
      return "protocol-version-not-supported";
    default:
      return "unknown";
  }
}

// A NUL-padded fixed-size string: the bytes before the first NUL.
std::string fixed_string(const std::uint8_t* p) {
  const auto* nul = static_cast<const std::uint8_t*>(std::memchr(p, 0, kNameBytes));
  return std::string(reinterpret_cast<const char*>(p), nul ? static_cast<std::size_t>(nul - p) : kNameBytes);
}

void put_header(std::uint8_t* p, std::uint16_t length, std::uint16_t control_type) {
  std::fill_n(p, length, std::uint8_t{0});
  put16(p + kLengthAt, length);
  put16(p + kMessageTypeAt, kControlMessage);
  put32(p + kMagicAt, kMagicCookie);
  put16(p + kControlTypeAt, control_type);
}

StartReply invalid(StartReply reply, std::size_t bytes, std::string error) {
  reply.state = ParseState::invalid;
  reply.bytes = bytes;
  reply.error = "pptp: " + std::move(error);
  return reply;
}

}  // namespace

std::size_t build_start_request(std::span<std::uint8_t> out) {
  if (out.size() < kStartMessageBytes) return 0;
  std::uint8_t* p = out.data();
  put_header(p, kStartMessageBytes, kStartControlConnectionRequest);
  put16(p + kProtocolVersionAt, kProtocolVersion);
  put32(p + kFramingAt, kAsyncAndSyncFraming);
  put32(p + kBearerAt, kAnalogAndDigitalBearer);
  // Maximum Channels and Firmware Revision stay 0: a PNS has no channels,
  // and a revision of ours would only be noise in the server's log.
  std::copy(kOurName.begin(), kOurName.end(), p + kHostNameAt);
  std::copy(kOurName.begin(), kOurName.end(), p + kVendorAt);
  return kStartMessageBytes;
}

std::size_t build_stop_request(std::span<std::uint8_t> out) {
  if (out.size() < kStopRequestBytes) return 0;
  put_header(out.data(), kStopRequestBytes, kStopControlConnectionRequest);
  out[12] = 1;  // Reason: general request to clear the control connection
  return kStopRequestBytes;
}

StartReply parse_start_reply(std::span<const std::uint8_t> bytes, bool ended) {
  StartReply r;
  const auto truncated = [&](std::size_t need) {
    if (!ended) return r;
    return invalid(r, std::min(bytes.size(), need),
                   fmt::format("truncated: {} of {} bytes", std::min(bytes.size(), need), need));
  };
  // Each header field is judged as soon as it is there, so that a peer
  // speaking something else fails on its first bytes.
  if (bytes.size() < kMessageTypeAt) return truncated(kStartMessageBytes);
  r.length = get16(bytes.data() + kLengthAt);
  if (r.length < kHeaderBytes || r.length > kMaxMessageBytes)
    return invalid(
        r, kMessageTypeAt,
        fmt::format("length field {} is outside a control message's {}..{}", r.length, kHeaderBytes, kMaxMessageBytes));
  const std::size_t length = r.length;
  if (bytes.size() < kMagicAt) return truncated(length);
  r.message_type = get16(bytes.data() + kMessageTypeAt);
  if (r.message_type != kControlMessage)
    return invalid(r, kMagicAt, fmt::format("message type {}, not a control message (1)", r.message_type));
  if (bytes.size() < kControlTypeAt) return truncated(length);
  r.magic_cookie = get32(bytes.data() + kMagicAt);
  if (r.magic_cookie != kMagicCookie)
    return invalid(r, kControlTypeAt,
                   fmt::format("magic cookie {:#010x}, expected {:#010x}", r.magic_cookie, kMagicCookie));
  if (bytes.size() < kControlTypeAt + 2) return truncated(length);
  r.control_type = get16(bytes.data() + kControlTypeAt);
  if (r.control_type != kStartControlConnectionReply)
    return invalid(r, kControlTypeAt + 2,
                   fmt::format("control message type {} ({}), expected a Start-Control-Connection-Reply (2)",
                               r.control_type, control_type_name(r.control_type)));

  // The Reply's fields, as far as the message and the bytes go.
  const std::size_t have = std::min(bytes.size(), length);
  const std::uint8_t* p = bytes.data();
  r.bytes = have;
  if (have >= kProtocolVersionAt + 2) r.protocol_version = get16(p + kProtocolVersionAt);
  if (have >= kResultCodeAt + 1) r.result_code = p[kResultCodeAt];
  if (have >= kErrorCodeAt + 1) r.error_code = p[kErrorCodeAt];
  if (have >= kFramingAt + 4) r.framing_capabilities = get32(p + kFramingAt);
  if (have >= kBearerAt + 4) r.bearer_capabilities = get32(p + kBearerAt);
  if (have >= kMaxChannelsAt + 2) r.max_channels = get16(p + kMaxChannelsAt);
  if (have >= kFirmwareAt + 2) r.firmware_revision = get16(p + kFirmwareAt);
  if (have >= kHostNameAt + kNameBytes) r.host_name = fixed_string(p + kHostNameAt);
  if (have >= kVendorAt + kNameBytes) r.vendor = fixed_string(p + kVendorAt);
  if (bytes.size() < length) return truncated(length);
  if (length != kStartMessageBytes)
    return invalid(
        r, have, fmt::format("a Start-Control-Connection-Reply of {} bytes, expected {}", length, kStartMessageBytes));
  r.state = ParseState::complete;
  return r;
}

boost::json::object describe(const StartReply& r) {
  boost::json::object o;
  const auto has = [&](std::size_t offset, std::size_t size) { return r.bytes >= offset + size; };
  if (has(kLengthAt, 2)) o["message_length"] = r.length;
  if (has(kMessageTypeAt, 2)) o["message_type"] = r.message_type;
  if (has(kMagicAt, 4)) o["magic_cookie"] = fmt::format("{:#010x}", r.magic_cookie);
  if (has(kControlTypeAt, 2)) {
    o["control_type"] = r.control_type;
    o["message"] = control_type_name(r.control_type);
  }
  if (has(kProtocolVersionAt, 2))
    o["protocol_version"] = fmt::format("{}.{}", r.protocol_version >> 8, r.protocol_version & 0xFF);
  if (has(kResultCodeAt, 1)) {
    o["result_code"] = r.result_code;
    o["result"] = result_name(r.result_code);
  }
  if (has(kErrorCodeAt, 1)) o["error_code"] = r.error_code;
  if (has(kFramingAt, 4)) o["framing_capabilities"] = r.framing_capabilities;
  if (has(kBearerAt, 4)) o["bearer_capabilities"] = r.bearer_capabilities;
  if (has(kMaxChannelsAt, 2)) o["max_channels"] = r.max_channels;
  if (has(kFirmwareAt, 2)) o["firmware_revision"] = r.firmware_revision;
  // As sent: a dynamic-DNS name here hints at the feature hijackers switch on.
  if (has(kHostNameAt, kNameBytes)) o["host_name"] = json_safe_text(r.host_name);
  if (has(kVendorAt, kNameBytes)) o["vendor"] = json_safe_text(r.vendor);
  return o;
}

}  // namespace fumidai::scanner::pptp
