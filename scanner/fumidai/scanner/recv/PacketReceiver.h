#pragma once
// The receive path: a TPACKET_V3 ring on an AF_PACKET socket. A classic BPF
// program in the kernel passes only IPv4 TCP to the scanner's address (and,
// when UDP is scanned, ICMP and UDP to the scanner's source port range), and
// the socket ignores outgoing frames, so the senders' traffic costs it nothing.
// Contract: one thread owns the receiver. Frames handed to the callback point
// into the ring and are valid only during the call.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "fumidai/core/Error.h"
#include "fumidai/scanner/io/FileDescriptor.h"

namespace fumidai::scanner {

class PacketReceiver {
 public:
  using FrameHandler = std::function<void(std::span<const std::uint8_t> frame)>;

  // The scanner's UDP source ports, inclusive.
  struct PortRange {
    std::uint16_t first;
    std::uint16_t last;
  };
  // Headers are all TCP and ICMP replies need; a UDP reply is captured up to
  // kUdpCaptureBytes, payload included.
  static constexpr std::uint32_t kHeaderCaptureBytes = 256;
  static constexpr std::uint32_t kUdpCaptureBytes = 2048;

  // `udp_ports`: also receive UDP to these ports and ICMP.
  static Result<PacketReceiver> open(int interface_index, std::uint32_t scanner_ip,
                                     std::optional<PortRange> udp_ports = std::nullopt);
  ~PacketReceiver();
  PacketReceiver(PacketReceiver&& other) noexcept;
  PacketReceiver& operator=(PacketReceiver&&) = delete;

  // Waits up to timeout_ms for frames and hands each one to `handle`.
  // Returns the number of frames handled.
  Result<std::size_t> poll(int timeout_ms, const FrameHandler& handle);
  // Frames the kernel dropped because the ring was full (since the last call).
  std::uint64_t take_drops();

 private:
  static constexpr std::size_t kBlockSize = 1 << 20;
  static constexpr std::size_t kBlockCount = 32;

  PacketReceiver(FileDescriptor fd, std::uint8_t* ring) : fd_(std::move(fd)), ring_(ring) {}
  FileDescriptor fd_;
  std::uint8_t* ring_ = nullptr;
  std::size_t next_block_ = 0;
};

}  // namespace fumidai::scanner
