#pragma once
// SOCKS4 and SOCKS5 as the "socks" probe speaks them: the few requests it
// sends and the replies it reads (RFC 1928 for SOCKS5; SOCKS4 as NEC's
// protocol document has it). Requests that name a destination take a
// CanaryEndpoint, so nothing but the canary can be asked for.
//
// Parsers take every byte received so far and return nothing while the
// reply is incomplete, the reply once it is, or an Error naming the byte
// that rules it out. Replies have fixed or length-prefixed sizes of at most
// kMaxSocks5ConnectReplyBytes, so callers need no more buffer than that.
// Contract: pure functions over untrusted bytes; nothing throws on input.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/scanner/canary/CanaryEndpoint.h"

namespace fumidai::scanner {

// VER REP RSV ATYP, a domain name of up to 255 bytes with its length, a port.
inline constexpr std::size_t kMaxSocks5ConnectReplyBytes = 4 + 1 + 255 + 2;
inline constexpr std::size_t kSocks4ReplyBytes = 8;
// The SOCKS4 user id the probe sends: names the scanner, no one's account.
inline constexpr std::string_view kSocks4UserId = "fumidai";

inline constexpr std::uint8_t kSocks5NoAuth = 0x00;
inline constexpr std::uint8_t kSocks5NoAcceptableMethods = 0xff;
inline constexpr std::uint8_t kSocks4Granted = 0x5a;

// 05 01 00: version 5, one method, "no authentication required".
std::array<std::uint8_t, 3> socks5_no_auth_greeting();
// 05 02 01 02: offers GSSAPI and username/password, only to learn whether a
// server that refused "no authentication" takes one of them. The probe
// closes when it does: it never authenticates.
std::array<std::uint8_t, 4> socks5_auth_methods_greeting();
// 05 01 00 01 IP PORT: CONNECT to the canary's IPv4 address.
std::array<std::uint8_t, 10> socks5_connect_request(const CanaryEndpoint& canary);
// 04 01 PORT IP "fumidai" 00: SOCKS4 CONNECT to the canary.
std::vector<std::uint8_t> socks4_connect_request(const CanaryEndpoint& canary);

struct Socks5MethodReply {
  std::uint8_t method = 0;
};

struct Socks5ConnectReply {
  std::uint8_t reply = 0;  // 0 succeeded, 1-8 named failures (socks5_reply_name)
  std::uint8_t address_type = 0;
  std::string bound_address;  // dotted IPv4, the domain name's raw bytes, or IPv6 hex groups
  std::uint16_t bound_port = 0;
  std::size_t size = 0;  // bytes the reply took
};

struct Socks4Reply {
  std::uint8_t code = 0;  // 0x5a granted, 0x5b rejected, 0x5c/0x5d identd
  std::uint16_t bound_port = 0;
  std::uint32_t bound_ip = 0;
};

// Exactly two bytes, 05 METHOD: bytes past them mean it is not a SOCKS5
// server answering a greeting (which sends its choice and waits).
Result<std::optional<Socks5MethodReply>> parse_socks5_method_reply(std::span<const std::uint8_t> bytes);
// VER=5 REP RSV ATYP BND.ADDR BND.PORT; ATYP 1, 3 or 4. Bytes past the
// reply are left alone (size says where it ended).
Result<std::optional<Socks5ConnectReply>> parse_socks5_connect_reply(std::span<const std::uint8_t> bytes);
// VN (0, or 4 as some servers send) CD DSTPORT DSTIP, CD 0x5a-0x5d; 8
// bytes, and bytes past them are left alone.
Result<std::optional<Socks4Reply>> parse_socks4_reply(std::span<const std::uint8_t> bytes);

// "no-auth", "gssapi", "username-password", "iana-assigned", "private",
// "no-acceptable-methods".
std::string_view socks5_method_name(std::uint8_t method);
// "succeeded", "general-failure", ..., "address-type-not-supported",
// "unassigned".
std::string_view socks5_reply_name(std::uint8_t reply);
// "granted", "rejected", "identd-unreachable", "identd-mismatch".
std::string_view socks4_reply_name(std::uint8_t code);

}  // namespace fumidai::scanner
