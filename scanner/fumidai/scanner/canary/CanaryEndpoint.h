#pragma once
// Where the grabber's canary listens, and its key: the one destination a
// proxy probe may ever ask a proxy to reach (GrabOptions::canary). An IPv4
// literal, never a name, so no proxy is ever asked to resolve anything.
// Contract: plain value type.
#include <cstdint>
#include <string>

#include "fumidai/scanner/canary/CanaryKey.h"
#include "fumidai/scanner/target/Ipv4.h"

namespace fumidai::scanner {

struct CanaryEndpoint {
  std::uint32_t ip = 0;  // host byte order
  std::uint16_t port = 0;
  CanaryKey key;

  // "a.b.c.d:port", as in Host headers, absolute URIs and CONNECT.
  std::string authority() const { return format_ipv4(ip) + ":" + std::to_string(port); }
};

}  // namespace fumidai::scanner
