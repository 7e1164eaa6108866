#pragma once
// Parses frames from the wire. Everything here is untrusted: every length is
// checked against the captured bytes, and anything malformed is simply not a
// reply (no exceptions, no asserts on packet content).
#include <cstdint>
#include <optional>
#include <span>

namespace fumidai::scanner {

struct TcpReply {
  std::uint32_t source;       // the target
  std::uint32_t destination;  // the scanner
  std::uint16_t source_port;
  std::uint16_t destination_port;
  std::uint32_t sequence;
  std::uint32_t acknowledgment;
  std::uint8_t flags;
  std::uint8_t ttl;

  static constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kAck = 0x10;
  bool is_syn_ack() const { return (flags & (kSyn | kAck)) == (kSyn | kAck) && !(flags & kRst); }
  bool is_rst() const { return (flags & kRst) != 0; }
};

// `frame` starts at the Ethernet header.
std::optional<TcpReply> parse_tcp_reply(std::span<const std::uint8_t> frame);

}  // namespace fumidai::scanner
