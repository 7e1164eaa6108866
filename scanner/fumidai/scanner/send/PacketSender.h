#pragma once
// The send path: one AF_PACKET socket per sender thread, frames handed to the
// driver in sendmmsg batches with the qdisc bypassed (as ZMap does on Linux).
// Contract: one instance per thread; frames are caller-owned and may be reused
// as soon as send() returns.
#include <cstddef>
#include <cstdint>
#include <span>

#include "fumidai/core/Error.h"
#include "fumidai/scanner/io/FileDescriptor.h"

namespace fumidai::scanner {

class PacketSender {
 public:
  static constexpr std::size_t kMaxBatch = 256;

  // Fails with a clear message without root / CAP_NET_RAW.
  static Result<PacketSender> open(int interface_index);

  // Sends `count` frames of `frame_size` bytes laid out back to back. Retries
  // transient back-pressure (ENOBUFS, EAGAIN); returns the number sent.
  Result<std::size_t> send(std::span<const std::uint8_t> frames, std::size_t frame_size, std::size_t count);
  // The same for frames of different sizes: frame i starts at i * stride and
  // is sizes[i] <= stride bytes long.
  Result<std::size_t> send(std::span<const std::uint8_t> frames, std::size_t stride,
                           std::span<const std::uint16_t> sizes);

 private:
  explicit PacketSender(FileDescriptor fd) : fd_(std::move(fd)) {}
  // sizes empty: every frame is `stride` bytes.
  Result<std::size_t> send_frames(std::span<const std::uint8_t> frames, std::size_t stride, std::size_t count,
                                  std::span<const std::uint16_t> sizes);
  FileDescriptor fd_;
};

}  // namespace fumidai::scanner
