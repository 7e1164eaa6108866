#pragma once
// One line of the abuse-contact CSV (RDAP's abuse entities, cached offline):
//   prefix_or_asn,email,source,updated
// The first line is that header, exactly. prefix_or_asn is a prefix
// ("192.0.2.0/24", "2001:db8::/32", or an address for a /32 or /128) or an
// AS ("AS64496" or "64496"); source says where the contact came from (for
// example rdap.apnic.net); updated is YYYY-MM-DD, or empty when unknown.
// Fields may be quoted as in RFC 4180. Blank lines carry no record.
// Contract: remembers whether it has seen the header; one parser per file.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fumidai/core/Error.h"
#include "fumidai/db/IpPrefix.h"

namespace fumidai::db {

struct AbuseRow {
  std::optional<IpPrefix> prefix;  // exactly one of prefix and asn
  std::optional<std::int64_t> asn;
  std::string email;
  std::string source;
  std::optional<std::chrono::year_month_day> updated;
};

class AbuseLineParser {
 public:
  static constexpr std::string_view header = "prefix_or_asn,email,source,updated";
  static constexpr std::size_t max_source_bytes = 128;

  Result<std::optional<AbuseRow>> parse(std::string_view line);

 private:
  bool header_seen_ = false;
};

}  // namespace fumidai::db
