#pragma once
// What the API's exposure queries may be narrowed to. Every member may be
// empty (no restriction); the values of one member OR together, members AND.
// Values are data: FilterClause passes each as a bound parameter.
// Contract: a plain value.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fumidai::db {

struct ExposureFilter {
  std::vector<std::int64_t> asns;
  std::vector<std::string> orgs;        // an organisation id (exact) or name (case-insensitive)
  std::vector<std::string> countries;   // ISO 3166-1 alpha-2
  std::vector<std::string> prefixes;    // CIDR: the address is inside (<<=)
  std::vector<std::string> categories;  // fingerprint categories (router, vpn, proxy, ...)
  std::vector<std::string> labels;      // label ids
  std::vector<std::string> vendors;     // a fingerprint's vendor (case-insensitive)
  std::vector<std::string> products;    // a fingerprint's product (case-insensitive; same fingerprint as vendor)
  std::vector<std::int64_t> ports;
  std::vector<std::string> protocols;
  std::optional<std::int64_t> scan_id;  // present in that scan
  std::optional<std::string> since;     // timestamptz text: last seen at or after
  std::optional<std::string> until;     // timestamptz text: first seen at or before
};

}  // namespace fumidai::db
