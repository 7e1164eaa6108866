#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "fumidai/scanner/target/Transport.h"

namespace fumidai::scanner {

// One validated, de-duplicated answer from a target.
struct ScanResult {
  // unreachable: an ICMP destination unreachable other than "port
  // unreachable" about a UDP probe (a host, network or filter said no).
  enum class Status { open, closed, unreachable };
  std::uint32_t ip;
  std::uint16_t port;
  Status status;
  std::uint8_t ttl;
  std::int64_t timestamp_ns;  // wall clock, Unix epoch
  Transport transport = Transport::tcp;
  // UDP: the payload's protocol ("dns") for an open port, and what its
  // reply said as a serialized JSON object; empty when there is nothing.
  std::string protocol{};
  std::string data{};

  static std::string_view status_name(Status s) {
    return s == Status::open ? "open" : s == Status::closed ? "closed" : "unreachable";
  }
};

}  // namespace fumidai::scanner
