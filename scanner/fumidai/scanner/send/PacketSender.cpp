#include "fumidai/scanner/send/PacketSender.h"

#include <fmt/format.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <sched.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace fumidai::scanner {

Result<PacketSender> PacketSender::open(int interface_index) {
  // Protocol 0: this socket never receives, so the kernel does not copy
  // incoming traffic to it.
  FileDescriptor fd(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    if (errno == EPERM || errno == EACCES) {
      return make_error("sending raw packets needs root or CAP_NET_RAW (socket(AF_PACKET): permission denied)");
    }
    return make_error(fmt::format("socket(AF_PACKET): {}", std::strerror(errno)));
  }
  sockaddr_ll address{};
  address.sll_family = AF_PACKET;
  address.sll_ifindex = interface_index;
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    return make_error(fmt::format("bind(AF_PACKET, ifindex {}): {}", interface_index, std::strerror(errno)));
  }
  const int one = 1;
  ::setsockopt(fd.get(), SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));  // best effort: older kernels lack it
  const int buffer = 4 << 20;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDBUF, &buffer, sizeof(buffer));
  return PacketSender(std::move(fd));
}

Result<std::size_t> PacketSender::send(std::span<const std::uint8_t> frames, std::size_t frame_size,
                                       std::size_t count) {
  return send_frames(frames, frame_size, count, {});
}

Result<std::size_t> PacketSender::send(std::span<const std::uint8_t> frames, std::size_t stride,
                                       std::span<const std::uint16_t> sizes) {
  return send_frames(frames, stride, sizes.size(), sizes);
}

Result<std::size_t> PacketSender::send_frames(std::span<const std::uint8_t> frames, std::size_t stride,
                                              std::size_t count, std::span<const std::uint16_t> sizes) {
  std::array<mmsghdr, kMaxBatch> messages{};
  std::array<iovec, kMaxBatch> vectors{};
  std::size_t sent = 0;
  while (sent < count) {
    const std::size_t n = std::min(count - sent, kMaxBatch);
    for (std::size_t i = 0; i < n; ++i) {
      vectors[i].iov_base = const_cast<std::uint8_t*>(frames.data() + (sent + i) * stride);
      vectors[i].iov_len = sizes.empty() ? stride : sizes[sent + i];
      messages[i].msg_hdr = msghdr{};
      messages[i].msg_hdr.msg_iov = &vectors[i];
      messages[i].msg_hdr.msg_iovlen = 1;
    }
    const int done = ::sendmmsg(fd_.get(), messages.data(), static_cast<unsigned>(n), 0);
    if (done > 0) {
      sent += static_cast<std::size_t>(done);
    } else if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) {
      ::sched_yield();
    } else {
      return make_error(fmt::format("sendmmsg: {}", std::strerror(errno)));
    }
  }
  return sent;
}

}  // namespace fumidai::scanner
