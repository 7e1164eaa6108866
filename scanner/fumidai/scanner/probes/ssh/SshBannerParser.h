#pragma once
// SshBannerParser: reads what an SSH server sends first, from bytes in
// whatever pieces they arrive: optional preamble lines, the identification
// string "SSH-protoversion-softwareversion SP comments CR LF" (a bare LF is
// accepted), then binary packets up to the first one that is not IGNORE or
// DEBUG, which for SSH 2 is KEXINIT or DISCONNECT (RFC 4253, 4.2, 6, 7.1,
// 11.1). Before key exchange packets carry no MAC and no encryption.
//
// Everything fed in is untrusted. Memory is bounded (one line of at most
// kMaxLineBytes, or one packet of at most kMaxPacketLength, at a time; at most
// kMaxPreambleLines / kMaxPreambleBytes of preamble and kMaxNames algorithm
// names), nothing throws on input, and anything that cannot be SSH is an
// Error, after which every feed() returns that same error.
//
// One parser per connection, used from one thread at a time. It never sends:
// the caller sends its identification (and optionally a KEXINIT, see
// SshClientHello.h) on connect; servers send KEXINIT unprompted once they
// have the client's identification.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "fumidai/core/Error.h"
#include "fumidai/scanner/probes/ssh/SshServerHello.h"

namespace fumidai::scanner {

class SshBannerParser {
 public:
  static constexpr std::size_t kMaxLineBytes = 1024;              // any line before the packets, without its LF
  static constexpr std::size_t kRfcMaxIdentificationBytes = 255;  // with CR LF; longer is flagged
  static constexpr std::size_t kMaxPreambleLines = 10;
  static constexpr std::size_t kMaxPreambleBytes = 4096;
  static constexpr std::uint32_t kMaxPacketLength = 35000;  // RFC 4253, 6.1: what all must accept
  static constexpr std::size_t kMaxSkippedPackets = 8;      // IGNORE / DEBUG before the first real message
  static constexpr std::size_t kMaxNames = 1024;            // in all ten KEXINIT name-lists together

  enum class Progress { need_more, complete };

  // complete: the identification string was read, and for SSH 2 (protocol
  // 2.0 or 1.99) the first message too; later bytes are ignored.
  Result<Progress> feed(std::span<const std::uint8_t> bytes);

  // Partial until feed() returns complete: a caller that gives up early (time
  // out, connection closed) can still report what arrived.
  const SshServerHello& hello() const { return hello_; }
  bool identification_received() const { return identification_received_; }

 private:
  enum class Stage { lines, packet, done, failed };

  void take_lines(std::span<const std::uint8_t>& bytes);
  void take_packet(std::span<const std::uint8_t>& bytes);
  void take_line(std::string_view line);
  void take_identification(std::string_view line);
  void take_payload(std::span<const std::uint8_t> payload);
  void fail(Error error);

  Stage stage_ = Stage::lines;
  std::string buffer_;  // the line or packet being received
  std::size_t preamble_bytes_ = 0;
  std::uint32_t packet_length_ = 0;  // valid once buffer_ holds its 4 bytes
  std::size_t skipped_packets_ = 0;
  bool identification_received_ = false;
  SshServerHello hello_;
  Error error_;
};

}  // namespace fumidai::scanner
