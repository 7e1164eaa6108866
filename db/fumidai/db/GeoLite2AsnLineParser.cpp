#include "fumidai/db/GeoLite2AsnLineParser.h"

#include <fmt/format.h>

#include "fumidai/core/Trim.h"
#include "fumidai/db/AttributionFields.h"

namespace fumidai::db {

Result<std::optional<GeoLite2AsnRow>> GeoLite2AsnLineParser::parse(std::string_view line) {
  if (trim_blanks(line).empty()) return std::nullopt;
  if (!header_seen_) {
    if (line != header) return make_input_error(fmt::format("the first line must be the header {:?}", header));
    header_seen_ = true;
    return std::nullopt;
  }
  auto fields = split_csv_line(line, 3);
  if (!fields) return fields.error();
  if (fields->size() != 3) return make_input_error("expected network,autonomous_system_number,autonomous_system_organization");
  auto network = parse_prefix((*fields)[0]);
  if (!network) return network.error();
  auto asn = parse_asn((*fields)[1]);
  if (!asn) return asn.error();
  auto organization = check_text((*fields)[2], "autonomous_system_organization", max_name_bytes);
  if (!organization) return organization.error();
  return std::optional(GeoLite2AsnRow{*network, *asn, std::move((*fields)[2])});
}

}  // namespace fumidai::db
