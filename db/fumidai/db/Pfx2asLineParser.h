#pragma once
// One line of CAIDA's RouteViews prefix-to-AS file:
//   prefix<TAB>length<TAB>origin
// where the origin is an AS number, several announcing the same prefix
// (multi-origin, "64496_64497") or an AS set ("64496,64497"), or both.
// Blank lines and '#' comments carry no record.
// Contract: stateless; parse() is pure.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/db/IpPrefix.h"

namespace fumidai::db {

struct Pfx2asRow {
  IpPrefix prefix;
  std::vector<std::int64_t> asns;  // in the file's order, without repeats; the first is the origin
};

class Pfx2asLineParser {
 public:
  // Real files have at most a handful per prefix.
  static constexpr std::size_t max_origins = 64;

  Result<std::optional<Pfx2asRow>> parse(std::string_view line) const;
};

}  // namespace fumidai::db
