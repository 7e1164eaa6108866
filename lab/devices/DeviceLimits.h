#pragma once
// The emulator's own limits, so that no peer (and no benchmark) can exhaust
// it: every connection ends by connection_lifetime at the latest, whatever it
// is doing, and a connection that has not sent a complete request head within
// idle_timeout is closed. A UDP endpoint drops datagrams longer than
// max_datagram_bytes unread and sends one source at most
// udp_replies_per_source_per_second datagrams. DeviceConfig validates the ranges.
// Contract: plain value type.
#include <chrono>
#include <cstddef>

namespace fumidai::lab {

struct DeviceLimits {
  unsigned threads = 2;                       // event loops, one thread each
  std::size_t max_connections = 4096;         // open at once over all threads; more are accepted and closed
  std::size_t max_request_head_bytes = 8192;  // request line and headers; a longer head gets 400 and a close
  std::chrono::milliseconds connection_lifetime{30000};
  std::chrono::milliseconds idle_timeout{10000};  // waiting for a complete request head
  std::size_t max_datagram_bytes = 2048;          // a request datagram; longer ones get no reply
  unsigned udp_replies_per_source_per_second = 20;
};

}  // namespace fumidai::lab
