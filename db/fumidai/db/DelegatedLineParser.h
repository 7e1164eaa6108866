#pragma once
// One line of an RIR's delegated-extended statistics file:
//   registry|cc|type|start|value|date|status[|opaque-id[|extensions...]]
// The version line (2.3|apnic|20240101|...), the summary lines
// (apnic|*|ipv4|*|count|summary), '#' comments, blank lines, asn records and
// blocks not allocated or assigned (available, reserved: no country) carry no
// record. For ipv4 the value is an address count, not always a power of
// two, so the block becomes the CIDRs that cover it exactly; for ipv6 it is
// a prefix length. The date is YYYYMMDD, or empty or 00000000 when unknown.
// Contract: stateless; parse() is pure.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/db/IpPrefix.h"

namespace fumidai::db {

struct DelegatedRow {
  std::string registry;
  std::string country;
  std::vector<IpPrefix> prefixes;  // at most 62 (an arbitrary IPv4 range)
  std::string status;              // allocated or assigned
  std::optional<std::chrono::year_month_day> date;
};

class DelegatedLineParser {
 public:
  Result<std::optional<DelegatedRow>> parse(std::string_view line) const;
};

// The fewest CIDRs covering [first, first + count) exactly; count >= 1 and the
// range must end by 2^32.
std::vector<IpPrefix> ipv4_range_cidrs(std::uint32_t first, std::uint64_t count);

}  // namespace fumidai::db
