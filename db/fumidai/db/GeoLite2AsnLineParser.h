#pragma once
// One line of MaxMind's GeoLite2-ASN CSV (GeoLite2-ASN-Blocks-IPv4.csv or
// -IPv6.csv):
//   network,autonomous_system_number,autonomous_system_organization
// The first line is that header, exactly; the organisation is quoted when it
// holds a comma or a quote, and may be empty. Blank lines carry no record.
// Contract: remembers whether it has seen the header; one parser per file.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fumidai/core/Error.h"
#include "fumidai/db/IpPrefix.h"

namespace fumidai::db {

struct GeoLite2AsnRow {
  IpPrefix network;
  std::int64_t asn = 0;
  std::string organization;  // empty when MaxMind gives none
};

class GeoLite2AsnLineParser {
 public:
  static constexpr std::string_view header = "network,autonomous_system_number,autonomous_system_organization";

  Result<std::optional<GeoLite2AsnRow>> parse(std::string_view line);

 private:
  bool header_seen_ = false;
};

}  // namespace fumidai::db
