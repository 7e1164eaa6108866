#pragma once
// IPv4 addresses in host byte order, and the three target notations ZMap users
// type: an address, a CIDR block, or an inclusive range a.b.c.d-e.f.g.h.
#include <cstdint>
#include <string>
#include <string_view>

#include "fumidai/core/Error.h"

namespace fumidai::scanner {

struct Ipv4Interval {
  std::uint32_t first = 0;
  std::uint32_t last = 0;  // inclusive
  std::uint64_t size() const { return std::uint64_t{last} - first + 1; }
  friend bool operator==(const Ipv4Interval&, const Ipv4Interval&) = default;
};

Result<std::uint32_t> parse_ipv4(std::string_view text);
std::string format_ipv4(std::uint32_t address);
// Host bits in a CIDR are ignored (10.1.2.3/8 means 10.0.0.0/8), as in ZMap.
Result<Ipv4Interval> parse_target(std::string_view text);

}  // namespace fumidai::scanner
