#include "fumidai/scanner/recv/PacketReceiver.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

namespace fumidai::scanner {
namespace {

// ether type IPv4, IP protocol TCP, IP destination == scanner; else drop.
std::vector<sock_filter> make_filter(std::uint32_t scanner_ip) {
  return {
      BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETHERTYPE_IP, 0, 5),
      BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 23),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 0, 3),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 30),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, scanner_ip, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, PacketReceiver::kHeaderCaptureBytes),
      BPF_STMT(BPF_RET | BPF_K, 0),
  };
}

// ether type IPv4, IP destination == scanner, then TCP or ICMP (headers), or
// UDP that is no later fragment and goes to a port in `ports` (the payload
// too); else drop. Jump offsets count the instructions skipped.
std::vector<sock_filter> make_udp_filter(std::uint32_t scanner_ip, PacketReceiver::PortRange ports) {
  return {
      /* 0 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
      /* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETHERTYPE_IP, 0, 14),  // → 16 drop
      /* 2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 30),
      /* 3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, scanner_ip, 0, 12),  // → 16 drop
      /* 4 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 23),
      /* 5 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 8, 0),   // → 14 headers
      /* 6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMP, 7, 0),  // → 14 headers
      /* 7 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 8),   // → 16 drop
      /* 8 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 20),
      /* 9 */ BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 6, 0),       // a later fragment → 16 drop
      /* 10 */ BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 14),                 // X = IPv4 header length
      /* 11 */ BPF_STMT(BPF_LD | BPF_H | BPF_IND, 16),                  // UDP destination port
      /* 12 */ BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, ports.first, 0, 3),  // → 16 drop
      /* 13 */ BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, ports.last, 2, 1),   // → 16 drop, else → 15 payload
      /* 14 */ BPF_STMT(BPF_RET | BPF_K, PacketReceiver::kHeaderCaptureBytes),
      /* 15 */ BPF_STMT(BPF_RET | BPF_K, PacketReceiver::kUdpCaptureBytes),
      /* 16 */ BPF_STMT(BPF_RET | BPF_K, 0),
  };
}

constexpr std::size_t kRingBytes(std::size_t block, std::size_t count) { return block * count; }

}  // namespace

Result<PacketReceiver> PacketReceiver::open(int interface_index, std::uint32_t scanner_ip,
                                            std::optional<PortRange> udp_ports) {
  FileDescriptor fd(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    if (errno == EPERM || errno == EACCES) {
      return make_error("receiving raw packets needs root or CAP_NET_RAW (socket(AF_PACKET): permission denied)");
    }
    return make_error(fmt::format("socket(AF_PACKET): {}", std::strerror(errno)));
  }
  const auto filter = udp_ports ? make_udp_filter(scanner_ip, *udp_ports) : make_filter(scanner_ip);
  sock_fprog program{static_cast<unsigned short>(filter.size()), const_cast<sock_filter*>(filter.data())};
  const int one = 1;
  const int version = TPACKET_V3;
  tpacket_req3 request{};
  request.tp_block_size = kBlockSize;
  request.tp_block_nr = kBlockCount;
  request.tp_frame_size = 2048;
  request.tp_frame_nr = static_cast<unsigned>(kBlockSize / 2048 * kBlockCount);
  request.tp_retire_blk_tov = 10;  // ms: hand over a partly filled block promptly
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof(program)) != 0 ||
      ::setsockopt(fd.get(), SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) != 0 ||
      ::setsockopt(fd.get(), SOL_PACKET, PACKET_VERSION, &version, sizeof(version)) != 0 ||
      ::setsockopt(fd.get(), SOL_PACKET, PACKET_RX_RING, &request, sizeof(request)) != 0) {
    return make_error(fmt::format("setting up the receive ring: {}", std::strerror(errno)));
  }
  void* ring = ::mmap(nullptr, kRingBytes(kBlockSize, kBlockCount), PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  if (ring == MAP_FAILED) return make_error(fmt::format("mmap of the receive ring: {}", std::strerror(errno)));
  // Bind last: the filter is in place before the first frame can arrive.
  sockaddr_ll address{};
  address.sll_family = AF_PACKET;
  address.sll_protocol = htons(ETH_P_IP);
  address.sll_ifindex = interface_index;
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::munmap(ring, kRingBytes(kBlockSize, kBlockCount));
    return make_error(fmt::format("bind(AF_PACKET, ifindex {}): {}", interface_index, std::strerror(errno)));
  }
  return PacketReceiver(std::move(fd), static_cast<std::uint8_t*>(ring));
}

PacketReceiver::~PacketReceiver() {
  if (ring_) ::munmap(ring_, kRingBytes(kBlockSize, kBlockCount));
}

PacketReceiver::PacketReceiver(PacketReceiver&& other) noexcept
    : fd_(std::move(other.fd_)), ring_(std::exchange(other.ring_, nullptr)), next_block_(other.next_block_) {}

Result<std::size_t> PacketReceiver::poll(int timeout_ms, const FrameHandler& handle) {
  std::size_t handled = 0;
  auto* block = reinterpret_cast<tpacket_block_desc*>(ring_ + next_block_ * kBlockSize);
  auto status = [&] {
    return std::atomic_ref<std::uint32_t>(block->hdr.bh1.block_status).load(std::memory_order_acquire);
  };
  if (!(status() & TP_STATUS_USER)) {
    pollfd p{fd_.get(), POLLIN | POLLERR, 0};
    if (::poll(&p, 1, timeout_ms) < 0 && errno != EINTR)
      return make_error(fmt::format("poll: {}", std::strerror(errno)));
  }
  // Drain every block the kernel has handed over, in ring order.
  while (status() & TP_STATUS_USER) {
    const std::uint32_t packets = block->hdr.bh1.num_pkts;
    auto* header =
        reinterpret_cast<tpacket3_hdr*>(reinterpret_cast<std::uint8_t*>(block) + block->hdr.bh1.offset_to_first_pkt);
    for (std::uint32_t i = 0; i < packets; ++i) {
      handle({reinterpret_cast<const std::uint8_t*>(header) + header->tp_mac, header->tp_snaplen});
      ++handled;
      header = reinterpret_cast<tpacket3_hdr*>(reinterpret_cast<std::uint8_t*>(header) + header->tp_next_offset);
    }
    std::atomic_ref<std::uint32_t>(block->hdr.bh1.block_status).store(TP_STATUS_KERNEL, std::memory_order_release);
    next_block_ = (next_block_ + 1) % kBlockCount;
    block = reinterpret_cast<tpacket_block_desc*>(ring_ + next_block_ * kBlockSize);
  }
  return handled;
}

std::uint64_t PacketReceiver::take_drops() {
  tpacket_stats_v3 stats{};
  socklen_t length = sizeof(stats);
  if (::getsockopt(fd_.get(), SOL_PACKET, PACKET_STATISTICS, &stats, &length) != 0) return 0;
  return stats.tp_drops;
}

}  // namespace fumidai::scanner
