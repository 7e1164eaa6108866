#pragma once
#include <atomic>
#include <cstdint>

namespace fumidai::scanner {

// Live counters shared by the sender, receiver and status threads.
struct ScanCounters {
  std::atomic<std::uint64_t> sent{0};          // frames the kernel accepted
  std::atomic<std::uint64_t> targets_done{0};  // (address, port) pairs probed in this run
  std::atomic<std::uint64_t> open{0};          // unique validated SYN-ACKs and UDP replies
  std::atomic<std::uint64_t> closed{0};        // unique validated RSTs and ICMP port unreachables
  std::atomic<std::uint64_t> udp_open{0};      // of `open`, UDP
  std::atomic<std::uint64_t> udp_closed{0};    // of `closed`, UDP
  std::atomic<std::uint64_t> unreachable{0};   // unique validated other ICMP unreachables
  std::atomic<std::uint64_t> duplicates{0};    // validated replies already reported
  std::atomic<std::uint64_t> invalid{0};       // TCP, UDP or ICMP to us that failed validation
  std::atomic<std::uint64_t> blocklist_skipped{0};
  std::atomic<std::uint64_t> ring_drops{0};
  std::atomic<std::int64_t> last_send_ns{0};  // Clock time the last sender finished, for an exact pps
};

}  // namespace fumidai::scanner
