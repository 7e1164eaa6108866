#include "fumidai/db/AbuseLineParser.h"

#include <fmt/format.h>

#include <algorithm>

#include "fumidai/core/Trim.h"
#include "fumidai/db/AttributionFields.h"

namespace fumidai::db {

Result<std::optional<AbuseRow>> AbuseLineParser::parse(std::string_view line) {
  if (trim_blanks(line).empty()) return std::nullopt;
  if (!header_seen_) {
    if (line != header) return make_input_error(fmt::format("the first line must be the header {:?}", header));
    header_seen_ = true;
    return std::nullopt;
  }
  auto fields = split_csv_line(line, 4);
  if (!fields) return fields.error();
  if (fields->size() != 4) return make_input_error("expected prefix_or_asn,email,source,updated");
  const auto& f = *fields;
  AbuseRow row;
  // An AS is "AS<digits>" or bare digits; anything else must be a prefix.
  const std::string_view resource = f[0];
  const bool as_form = !resource.empty() && (std::all_of(resource.begin(), resource.end(),
                                                         [](char c) { return c >= '0' && c <= '9'; }) ||
                                             resource.starts_with("AS") || resource.starts_with("as"));
  if (as_form) {
    auto asn = parse_asn(resource, true);
    if (!asn) return asn.error();
    row.asn = *asn;
  } else {
    auto prefix = parse_prefix(resource);
    if (!prefix) return prefix.error();
    row.prefix = *prefix;
  }
  auto email = check_email(f[1]);
  if (!email) return email.error();
  row.email = f[1];
  if (f[2].empty()) return make_input_error("empty source");
  auto source = check_text(f[2], "source", max_source_bytes);
  if (!source) return source.error();
  row.source = f[2];
  if (!f[3].empty()) {
    auto updated = parse_iso_date(f[3]);
    if (!updated) return updated.error();
    row.updated = *updated;
  }
  return std::optional(std::move(row));
}

}  // namespace fumidai::db
