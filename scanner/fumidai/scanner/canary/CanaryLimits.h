#pragma once
// Everything that bounds the canary, so that nobody who finds it (it listens
// on the Internet for proxies to reach) can exhaust it: connections open at
// once (more are accepted and closed at once), the request head's size (a
// longer one is a bad request), the wait for a complete head (slowloris), and
// each connection's whole life. Deadlines are checked every `tick` against
// the injected clock.
// Contract: plain value type; the CLI validates the ranges.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace fumidai::scanner {

struct CanaryLimits {
  std::size_t max_connections = 1024;
  std::size_t max_head_bytes = 4096;
  std::chrono::nanoseconds idle_timeout = std::chrono::seconds(10);         // until the head is complete
  std::chrono::nanoseconds connection_lifetime = std::chrono::seconds(30);  // from accept, whatever happens
  std::chrono::nanoseconds tick = std::chrono::milliseconds(100);
};

// What the canary saw; read it on the canary's thread (or after it stopped).
struct CanaryStats {
  std::uint64_t accepted = 0;
  std::uint64_t rejected = 0;    // over max_connections: closed at once
  std::uint64_t valid = 0;       // answered 200 with a proof
  std::uint64_t bad = 0;         // answered 400 (bad token, not our request, head too long)
  std::uint64_t incomplete = 0;  // closed or timed out before a complete head: not logged
  std::uint64_t log_errors = 0;
  std::string first_log_error;
};

}  // namespace fumidai::scanner
