#pragma once
// Every limit of the stage-2 engine in one place. The defaults are polite
// enough for a home router and fast enough for an ISP's address space; the
// CLI validates user values into these.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "fumidai/scanner/canary/CanaryEndpoint.h"
#include "fumidai/scanner/probes/http/HttpLimits.h"

namespace fumidai::scanner {

struct GrabOptions {
  // Global limits.
  std::size_t max_concurrent = 1000;  // connections open at once
  double connect_rate = 1000;         // new connections per second; 0 = unlimited
  std::size_t max_pending = 10000;    // targets taken from the input and not yet started
  // Politeness: connections open at once to one address and to one /24.
  std::size_t per_host = 2;
  std::size_t per_prefix24 = 32;
  // Timeouts. connect: SYN to established. read: the longest silence in
  // one read. total: from the first connect to the record, retries and
  // follow-up requests included.
  std::chrono::nanoseconds connect_timeout = std::chrono::seconds(5);
  std::chrono::nanoseconds read_timeout = std::chrono::seconds(5);
  std::chrono::nanoseconds total_timeout = std::chrono::seconds(20);
  // Connection attempts after the first one that timed out (refused is final).
  unsigned connect_retries = 1;
  // How often deadlines are checked against the clock: the timeouts' resolution.
  std::chrono::nanoseconds tick = std::chrono::milliseconds(10);

  // What probes send and keep.
  std::string user_agent = "Mozilla/5.0 (compatible; fumidai/0.1; +https://github.com/fumidai/fumidai)";
  HttpLimits http;
  std::size_t max_favicon_bytes = 64 * 1024;
  bool fetch_favicon = true;
  // Proxy probes (socks, http-proxy) ask a proxy to reach this and nothing
  // else, with a fresh token per target. None: they only negotiate.
  std::optional<CanaryEndpoint> canary;
};

}  // namespace fumidai::scanner
