#include "fumidai/db/AttributionFields.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "fumidai/core/AsciiCase.h"
#include "fumidai/core/Utf8.h"

namespace fumidai::db {
namespace {

// A field quoted back in a message, cut short so a message stays one short line.
std::string quoted(std::string_view text) {
  constexpr std::size_t max_quoted = 64;
  if (text.size() <= max_quoted) return fmt::format("{:?}", text);
  return fmt::format("{:?}...", text.substr(0, max_quoted));
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

Result<std::chrono::year_month_day> make_date(int year, unsigned month, unsigned day, std::string_view text) {
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month), std::chrono::day(day)};
  // PostgreSQL's date reaches far further, but attribution data is from the
  // internet's lifetime; a year outside this is a typo.
  if (!date.ok() || year < 1970 || year > 9999) return make_input_error(fmt::format("bad date {}", quoted(text)));
  return date;
}

Result<unsigned> digits(std::string_view text) {
  unsigned value = 0;
  const auto [ptr, err] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || err != std::errc() || ptr != text.data() + text.size()) return make_input_error("not digits");
  return value;
}

}  // namespace

Result<std::vector<std::string_view>> split_fields(std::string_view line, char separator, std::size_t max_fields) {
  std::vector<std::string_view> fields;
  for (;;) {
    if (fields.size() == max_fields) {
      return make_input_error(fmt::format("more than {} {:?}-separated fields", max_fields, separator));
    }
    const auto at = line.find(separator);
    fields.push_back(line.substr(0, at));
    if (at == std::string_view::npos) return fields;
    line.remove_prefix(at + 1);
  }
}

Result<std::vector<std::string>> split_csv_line(std::string_view line, std::size_t max_fields) {
  std::vector<std::string> fields;
  std::size_t i = 0;
  for (;;) {
    if (fields.size() == max_fields) return make_input_error(fmt::format("more than {} CSV fields", max_fields));
    std::string field;
    if (i < line.size() && line[i] == '"') {
      ++i;
      for (;;) {
        if (i == line.size()) return make_input_error("a quoted CSV field does not end");
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += line[i++];
      }
      if (i < line.size() && line[i] != ',') return make_input_error("text after a quoted CSV field");
    } else {
      const auto end = line.find(',', i);
      field.assign(line.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
      if (field.find('"') != std::string::npos) return make_input_error("a quote inside an unquoted CSV field");
      i = end == std::string_view::npos ? line.size() : end;
    }
    fields.push_back(std::move(field));
    if (i == line.size()) return fields;
    ++i;  // the comma
  }
}

Result<std::int64_t> parse_asn(std::string_view text, bool as_prefix) {
  const std::string_view original = text;
  if (as_prefix && text.size() > 2 && equals_lower(text.substr(0, 2), "as")) text.remove_prefix(2);
  constexpr std::int64_t max_asn = 4294967295;
  std::int64_t value = 0;
  // At most 10 digits: from_chars cannot overflow, and "000...1" is refused.
  const bool all_digits = !text.empty() && text.size() <= 10 &&
                          std::all_of(text.begin(), text.end(), is_digit) && !(text.size() > 1 && text[0] == '0');
  if (!all_digits) return make_input_error(fmt::format("bad AS number {}", quoted(original)));
  std::from_chars(text.data(), text.data() + text.size(), value);
  if (value < 1 || value > max_asn) {
    return make_input_error(fmt::format("AS number {} out of range (1-{})", quoted(original), max_asn));
  }
  return value;
}

Result<std::chrono::year_month_day> parse_compact_date(std::string_view text) {
  if (text.size() != 8 || !std::all_of(text.begin(), text.end(), is_digit)) {
    return make_input_error(fmt::format("bad date {} (YYYYMMDD)", quoted(text)));
  }
  return make_date(static_cast<int>(*digits(text.substr(0, 4))), *digits(text.substr(4, 2)),
                   *digits(text.substr(6, 2)), text);
}

Result<std::chrono::year_month_day> parse_iso_date(std::string_view text) {
  const bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-' &&
                      std::all_of(text.begin(), text.begin() + 4, is_digit) && is_digit(text[5]) &&
                      is_digit(text[6]) && is_digit(text[8]) && is_digit(text[9]);
  if (!shaped) return make_input_error(fmt::format("bad date {} (YYYY-MM-DD)", quoted(text)));
  return make_date(static_cast<int>(*digits(text.substr(0, 4))), *digits(text.substr(5, 2)),
                   *digits(text.substr(8, 2)), text);
}

std::string format_date(std::chrono::year_month_day date) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                     static_cast<unsigned>(date.day()));
}

Result<std::string> parse_country(std::string_view text) {
  if (text.size() != 2 || !is_letter(text[0]) || !is_letter(text[1])) {
    return make_input_error(fmt::format("bad country code {} (two letters)", quoted(text)));
  }
  std::string out(text);
  for (char& c : out) c = static_cast<char>(c >= 'a' ? c - 'a' + 'A' : c);
  return out;
}

Result<std::string_view> check_text(std::string_view text, std::string_view what, std::size_t max_bytes) {
  if (text.size() > max_bytes) return make_input_error(fmt::format("{} longer than {} bytes", what, max_bytes));
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) return make_input_error(fmt::format("{} holds a control character", what));
    const std::size_t length = utf8_sequence_length(text.substr(i));
    if (length == 0) return make_input_error(fmt::format("{} is not valid UTF-8", what));
    i += length;
  }
  return text;
}

Result<std::string_view> check_email(std::string_view text) {
  constexpr std::size_t max_email = 254, max_local = 64, max_label = 63;
  const auto bad = [&](std::string_view why) {
    return make_input_error(fmt::format("bad email address {}: {}", quoted(text), why));
  };
  if (text.size() > max_email) return bad(fmt::format("longer than {} bytes", max_email));
  const auto at = text.find('@');
  if (at == std::string_view::npos || text.find('@', at + 1) != std::string_view::npos) return bad("needs one @");
  const std::string_view local = text.substr(0, at);
  const std::string_view domain = text.substr(at + 1);
  if (local.empty() || local.size() > max_local) return bad("bad local part");
  for (const char c : local) {
    const bool ok = is_letter(c) || is_digit(c) || std::string_view(".!#$%&'*+/=?^_`{|}~-").find(c) != std::string_view::npos;
    if (!ok) return bad("bad character in the local part");
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return bad("bad dots in the local part");
  }
  auto labels = split_fields(domain, '.', 127);
  if (!labels || labels->size() < 2) return bad("the domain needs a dot");
  for (const auto label : *labels) {
    if (label.empty() || label.size() > max_label || label.front() == '-' || label.back() == '-') {
      return bad("bad domain label");
    }
    for (const char c : label) {
      if (!is_letter(c) && !is_digit(c) && c != '-') return bad("bad character in the domain");
    }
  }
  return text;
}

}  // namespace fumidai::db
