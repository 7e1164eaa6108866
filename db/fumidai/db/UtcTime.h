#pragma once
// The timestamps of records and summaries: ISO 8601 in UTC as fumidai writes
// them, YYYY-MM-DDTHH:MM:SS[.fraction]Z, read strictly (a real calendar date,
// years 1970-9999, 1-9 fraction digits, Z only) so that whatever passes is a
// value PostgreSQL's timestamptz takes as the same instant.
// Contract: pure functions.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fumidai::db {

using UtcMicros = std::chrono::sys_time<std::chrono::microseconds>;

// The instant, truncated to microseconds; nullopt when `text` is not one.
std::optional<UtcMicros> parse_utc_time(std::string_view text);

// 2026-11-27T11:50:42.271000Z
std::string format_utc_time(UtcMicros at);
// The same for any system_clock instant (truncated to microseconds): how
// times are bound as timestamptz parameters.
std::string format_utc_time(std::chrono::system_clock::time_point at);
// 2026-11-27T11:50:42Z: RFC 3339 to the second, as the API, exports and
// letters show times.
std::string format_utc_seconds(std::chrono::system_clock::time_point at);

}  // namespace fumidai::db
