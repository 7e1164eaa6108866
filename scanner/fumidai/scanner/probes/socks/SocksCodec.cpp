#include "fumidai/scanner/probes/socks/SocksCodec.h"

#include <fmt/format.h>

#include <algorithm>

namespace fumidai::scanner {
namespace {

Error bad_byte(std::string_view what, std::size_t offset, std::uint8_t value) {
  return make_error(fmt::format("socks: not a {} (byte {} is 0x{:02x})", what, offset, value));
}

std::uint16_t read_u16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]);
}

std::uint32_t read_u32(std::span<const std::uint8_t> b, std::size_t at) {
  return std::uint32_t{b[at]} << 24 | std::uint32_t{b[at + 1]} << 16 | std::uint32_t{b[at + 2]} << 8 | b[at + 3];
}

}  // namespace

std::array<std::uint8_t, 3> socks5_no_auth_greeting() { return {0x05, 0x01, kSocks5NoAuth}; }

std::array<std::uint8_t, 4> socks5_auth_methods_greeting() { return {0x05, 0x02, 0x01, 0x02}; }

std::array<std::uint8_t, 10> socks5_connect_request(const CanaryEndpoint& canary) {
  const std::uint32_t ip = canary.ip;
  return {0x05,
          0x01,  // CONNECT
          0x00,
          0x01,  // IPv4
          static_cast<std::uint8_t>(ip >> 24),
          static_cast<std::uint8_t>(ip >> 16),
          static_cast<std::uint8_t>(ip >> 8),
          static_cast<std::uint8_t>(ip),
          static_cast<std::uint8_t>(canary.port >> 8),
          static_cast<std::uint8_t>(canary.port)};
}

std::vector<std::uint8_t> socks4_connect_request(const CanaryEndpoint& canary) {
  const std::uint32_t ip = canary.ip;
  // VN CD DSTPORT DSTIP USERID NUL; the NUL is the vector's last zero.
  std::vector<std::uint8_t> request(8 + kSocks4UserId.size() + 1, 0);
  request[0] = 0x04;
  request[1] = 0x01;  // CONNECT
  request[2] = static_cast<std::uint8_t>(canary.port >> 8);
  request[3] = static_cast<std::uint8_t>(canary.port);
  for (int i = 0; i < 4; ++i) request[4 + i] = static_cast<std::uint8_t>(ip >> (24 - 8 * i));
  std::copy(kSocks4UserId.begin(), kSocks4UserId.end(), request.begin() + 8);
  return request;
}

Result<std::optional<Socks5MethodReply>> parse_socks5_method_reply(std::span<const std::uint8_t> bytes) {
  if (!bytes.empty() && bytes[0] != 0x05) return bad_byte("SOCKS5 method reply", 0, bytes[0]);
  if (bytes.size() < 2) return std::optional<Socks5MethodReply>{};
  if (bytes.size() > 2)
    return make_error(fmt::format("socks: {} bytes where a SOCKS5 method reply has 2", bytes.size()));
  return std::optional<Socks5MethodReply>(Socks5MethodReply{bytes[1]});
}

Result<std::optional<Socks5ConnectReply>> parse_socks5_connect_reply(std::span<const std::uint8_t> bytes) {
  if (!bytes.empty() && bytes[0] != 0x05) return bad_byte("SOCKS5 reply", 0, bytes[0]);
  if (bytes.size() < 5) return std::optional<Socks5ConnectReply>{};
  Socks5ConnectReply reply;
  reply.reply = bytes[1];
  reply.address_type = bytes[3];
  std::size_t address_bytes = 0;
  std::size_t address_at = 4;
  switch (reply.address_type) {
    case 0x01:
      address_bytes = 4;
      break;
    case 0x03:
      address_bytes = bytes[4];
      address_at = 5;
      break;
    case 0x04:
      address_bytes = 16;
      break;
    default:
      return bad_byte("SOCKS5 reply (address type)", 3, bytes[3]);
  }
  reply.size = address_at + address_bytes + 2;
  if (bytes.size() < reply.size) return std::optional<Socks5ConnectReply>{};
  const auto address = bytes.subspan(address_at, address_bytes);
  if (reply.address_type == 0x01) {
    reply.bound_address = format_ipv4(read_u32(address, 0));
  } else if (reply.address_type == 0x03) {
    reply.bound_address.assign(address.begin(), address.end());
  } else {
    for (std::size_t i = 0; i < 16; i += 2)
      reply.bound_address += fmt::format("{}{:x}", i == 0 ? "" : ":", read_u16(address, i));
  }
  reply.bound_port = read_u16(bytes, address_at + address_bytes);
  return std::optional<Socks5ConnectReply>(std::move(reply));
}

Result<std::optional<Socks4Reply>> parse_socks4_reply(std::span<const std::uint8_t> bytes) {
  if (!bytes.empty() && bytes[0] != 0x00 && bytes[0] != 0x04) return bad_byte("SOCKS4 reply", 0, bytes[0]);
  if (bytes.size() > 1 && (bytes[1] < 0x5a || bytes[1] > 0x5d)) return bad_byte("SOCKS4 reply", 1, bytes[1]);
  if (bytes.size() < kSocks4ReplyBytes) return std::optional<Socks4Reply>{};
  return std::optional<Socks4Reply>(Socks4Reply{bytes[1], read_u16(bytes, 2), read_u32(bytes, 4)});
}

std::string_view socks5_method_name(std::uint8_t method) {
  if (method == 0x00) return "no-auth";
  if (method == 0x01) return "gssapi";
  if (method == 0x02) return "username-password";
  if (method == kSocks5NoAcceptableMethods) return "no-acceptable-methods";
  if (method < 0x80) return "iana-assigned";
  return "private";
}

std::string_view socks5_reply_name(std::uint8_t reply) {
  static constexpr std::string_view kNames[] = {
      "succeeded",           "general-failure",       "not-allowed-by-ruleset",
      "network-unreachable", "host-unreachable",      "connection-refused",
      "ttl-expired",         "command-not-supported", "address-type-not-supported"};
  return reply < std::size(kNames) ? kNames[reply] : "unassigned";
}

std::string_view socks4_reply_name(std::uint8_t code) {
  switch (code) {
    case 0x5a:
      return "granted";
    case 0x5b:
      return "rejected";
    case 0x5c:
      return "identd-unreachable";
    case 0x5d:
      return "identd-mismatch";
  }
  return "unassigned";
}

}  // namespace fumidai::scanner
