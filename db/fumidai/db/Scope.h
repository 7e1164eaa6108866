#pragma once
// The part of the world a caller may see: an analyst key's constituency.
// ANDed into every query (FilterClause), so nothing outside it is counted,
// listed or exported. A row is inside when its ASN, its address or its
// country matches any entry. Unrestricted (the default) is everything; a
// restricted scope with no entries is nothing.
// Contract: a plain value.
#include <cstdint>
#include <string>
#include <vector>

namespace fumidai::db {

struct Scope {
  bool restricted = false;
  std::vector<std::int64_t> asns;
  std::vector<std::string> prefixes;   // CIDR
  std::vector<std::string> countries;  // ISO 3166-1 alpha-2
};

}  // namespace fumidai::db
