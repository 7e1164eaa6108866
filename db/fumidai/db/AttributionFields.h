#pragma once
// Field checks shared by the attribution line parsers (pfx2as, AS2Org, RIR
// delegated, GeoLite2-ASN, abuse CSV). Each returns the value or an input
// error saying which field is wrong and why; the importer puts the file and
// line in front. Text that reaches PostgreSQL must be valid UTF-8 without
// control characters, or the server would refuse the whole COPY, far from
// the line at fault.
// Contract: pure functions.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/core/Error.h"

namespace fumidai::db {

// The longest line any attribution file may have. Real lines are under 300
// bytes; a longer one is not a record of these formats.
inline constexpr std::size_t max_attribution_line = 4096;
// The longest free-text field (organisation and AS names, sources).
inline constexpr std::size_t max_name_bytes = 512;

// Splits on `separator`; more than `max_fields` fields is an error.
Result<std::vector<std::string_view>> split_fields(std::string_view line, char separator, std::size_t max_fields);

// One CSV line (RFC 4180: fields in double quotes may hold commas and doubled
// quotes; no line breaks inside a field, since a line is a record here).
Result<std::vector<std::string>> split_csv_line(std::string_view line, std::size_t max_fields);

// An AS number in asplain, 1 to 4294967295, no leading zeros. `as_prefix`:
// "AS64496" is accepted too.
Result<std::int64_t> parse_asn(std::string_view text, bool as_prefix = false);

// "20240101" (CAIDA, RIR) and "2024-01-01" (ISO 8601), calendar-checked.
Result<std::chrono::year_month_day> parse_compact_date(std::string_view text);
Result<std::chrono::year_month_day> parse_iso_date(std::string_view text);
std::string format_date(std::chrono::year_month_day date);  // "2024-01-01"

// Two ASCII letters (ISO 3166-1 alpha-2, plus the RIRs' EU and AP), returned
// in upper case.
Result<std::string> parse_country(std::string_view text);

// Free text: at most `max_bytes`, valid UTF-8, no control characters.
// `what` names the field in the error.
Result<std::string_view> check_text(std::string_view text, std::string_view what, std::size_t max_bytes);

// A simple sane address check, not RFC 5322: local@domain, printable ASCII
// without spaces, quotes or commas, a dotted domain of letters, digits and
// hyphens, at most 254 bytes.
Result<std::string_view> check_email(std::string_view text);

}  // namespace fumidai::db
