#include "fumidai/db/UtcTime.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace fumidai::db {
namespace {

// Reads `count` digits at `at`; false if any is not a digit.
bool digits(std::string_view text, std::size_t at, std::size_t count, int& value) {
  value = 0;
  if (at + count > text.size()) return false;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<UtcMicros> parse_utc_time(std::string_view text) {
  using namespace std::chrono;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(text, 0, 4, year) || text.size() < 20 || text[4] != '-' || !digits(text, 5, 2, month) || text[7] != '-' ||
      !digits(text, 8, 2, day) || text[10] != 'T' || !digits(text, 11, 2, hour) || text[13] != ':' ||
      !digits(text, 14, 2, minute) || text[16] != ':' || !digits(text, 17, 2, second)) {
    return std::nullopt;
  }
  std::int64_t micros = 0;
  std::size_t at = 19;
  if (text[at] == '.') {
    std::size_t count = 0;
    for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, ++count) {
      if (count < 6) micros = micros * 10 + (text[at] - '0');
    }
    if (count == 0 || count > 9) return std::nullopt;
    for (; count < 6; ++count) micros *= 10;
  }
  if (at + 1 != text.size() || text[at] != 'Z') return std::nullopt;
  const year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                            std::chrono::day{static_cast<unsigned>(day)}};
  if (year < 1970 || !date.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  return UtcMicros{sys_days{date}} + hours{hour} + minutes{minute} + seconds{second} + microseconds{micros};
}

std::string format_utc_time(std::chrono::system_clock::time_point at) {
  return format_utc_time(std::chrono::floor<std::chrono::microseconds>(at));
}

std::string format_utc_seconds(std::chrono::system_clock::time_point at) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", std::chrono::floor<std::chrono::seconds>(at));
}

std::string format_utc_time(UtcMicros at) {
  using namespace std::chrono;
  const auto day = floor<days>(at);
  const year_month_day date{day};
  const hh_mm_ss time{at - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), time.hours().count(),
                     time.minutes().count(), time.seconds().count(), time.subseconds().count());
}

}  // namespace fumidai::db
