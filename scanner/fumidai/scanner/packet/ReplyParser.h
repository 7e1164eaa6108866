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

struct UdpReply {
  std::uint32_t source;       // the target
  std::uint32_t destination;  // the scanner
  std::uint16_t source_port;
  std::uint16_t destination_port;
  std::uint8_t ttl;
  // The datagram's payload as far as it was captured (or, for the first
  // fragment of a larger datagram, as far as it goes); points into `frame`.
  // The receiver's capture limit may cut a UDP or ICMP packet short of its
  // IP total length; TCP replies must be whole.
  std::span<const std::uint8_t> payload;
  bool truncated;  // shorter than the UDP length says
};

// An ICMP destination unreachable (type 3) about a UDP datagram: the quoted
// IPv4 header and the first 8 bytes of the UDP header say which probe it is
// about.
struct IcmpUnreachable {
  std::uint32_t source;       // whoever sent the error: the target, or a router on the way
  std::uint32_t destination;  // the scanner
  std::uint8_t code;          // 3: port unreachable
  std::uint8_t ttl;
  std::uint32_t quoted_source;       // the probe's source: the scanner
  std::uint32_t quoted_destination;  // the probe's target
  std::uint16_t quoted_source_port;
  std::uint16_t quoted_destination_port;

  static constexpr std::uint8_t kPortUnreachable = 3;
};

// `frame` starts at the Ethernet header.
std::optional<TcpReply> parse_tcp_reply(std::span<const std::uint8_t> frame);
std::optional<UdpReply> parse_udp_reply(std::span<const std::uint8_t> frame);
std::optional<IcmpUnreachable> parse_icmp_unreachable(std::span<const std::uint8_t> frame);

}  // namespace fumidai::scanner
