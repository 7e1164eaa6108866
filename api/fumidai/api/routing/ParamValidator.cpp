#include "fumidai/api/routing/ParamValidator.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <chrono>
#include <cstdint>

#include "fumidai/core/Utf8.h"

namespace fumidai::api {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

bool all_digits(std::string_view text) { return !text.empty() && std::all_of(text.begin(), text.end(), is_digit); }

// Decimal digits only (no sign, no spaces), as an unsigned value.
bool parse_unsigned(std::string_view text, std::uint64_t& out) {
  if (!all_digits(text)) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

Result<std::string> normalise_integer(const ParamSpec& spec, std::string_view text) {
  std::int64_t value = 0;
  const bool negative = !text.empty() && text.front() == '-';
  if (!all_digits(negative ? text.substr(1) : text)) return make_input_error("not a decimal integer");
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < spec.min || value > spec.max) {
    return make_input_error(fmt::format("not an integer from {} to {}", spec.min, spec.max));
  }
  return std::to_string(value);
}

Result<std::string> normalise_asn(std::string_view text) {
  if (text.size() > 2 && upper(text[0]) == 'A' && upper(text[1]) == 'S') text.remove_prefix(2);
  std::uint64_t value = 0;
  if (!parse_unsigned(text, value) || value < 1 || value > 4294967295u) {
    return make_input_error("not an AS number (1 to 4294967295, optionally prefixed AS)");
  }
  return std::to_string(value);
}

Result<boost::asio::ip::address> parse_address(std::string_view text) {
  // A zone ("fe80::1%eth0") names an interface of the asker's host: never
  // meaningful to this server.
  if (text.find('%') != std::string_view::npos || text.size() > 45) return make_input_error("not an IP address");
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(std::string(text), ec);
  if (ec) return make_input_error("not an IP address");
  return address;
}

Result<std::string> normalise_cidr(std::string_view text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return make_input_error("not a network (address/length)");
  auto address = parse_address(text.substr(0, slash));
  std::uint64_t length = 0;
  const unsigned bits = address && address->is_v4() ? 32 : 128;
  if (!address || text.size() - slash > 4 || !parse_unsigned(text.substr(slash + 1), length) || length > bits) {
    return make_input_error("not a network (address/length)");
  }
  if (address->is_v4()) {
    const std::uint32_t value = address->to_v4().to_uint();
    const std::uint32_t mask = length == 0 ? 0 : ~std::uint32_t{0} << (32 - length);
    if ((value & ~mask) != 0) {
      return make_input_error(fmt::format("host bits set (the network is {}/{})",
                                          boost::asio::ip::address_v4(value & mask).to_string(), length));
    }
  } else {
    auto bytes = address->to_v6().to_bytes();
    bool host_bits = false;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      const std::size_t first_bit = i * 8;
      unsigned char keep = 0xff;
      if (first_bit >= length) {
        keep = 0;
      } else if (first_bit + 8 > length) {
        keep = static_cast<unsigned char>(0xff << (8 - (length - first_bit)));
      }
      if ((bytes[i] & ~keep) != 0) host_bits = true;
      bytes[i] &= keep;
    }
    if (host_bits) {
      return make_input_error(
          fmt::format("host bits set (the network is {}/{})", boost::asio::ip::address_v6(bytes).to_string(), length));
    }
  }
  return fmt::format("{}/{}", address->to_string(), length);
}

Result<std::string> normalise_country(std::string_view text) {
  if (text.size() != 2 || !is_letter(text[0]) || !is_letter(text[1])) {
    return make_input_error("not a two-letter country code");
  }
  return std::string{upper(text[0]), upper(text[1])};
}

// Fixed-width decimal field of `text` at [at, at + width).
bool field(std::string_view text, std::size_t at, std::size_t width, unsigned& out) {
  std::uint64_t value = 0;
  if (at + width > text.size() || !parse_unsigned(text.substr(at, width), value)) return false;
  out = static_cast<unsigned>(value);
  return true;
}

// RFC 3339 date-time (any offset, up to nanoseconds) or a bare date (its
// midnight, UTC), as "YYYY-MM-DDTHH:MM:SS[.fraction]Z" in UTC.
Result<std::string> normalise_timestamp(std::string_view text) {
  const auto bad = [] { return make_input_error("not an RFC 3339 timestamp or YYYY-MM-DD date"); };
  unsigned year = 0, month = 0, day = 0;
  if (!field(text, 0, 4, year) || text.size() < 10 || text[4] != '-' || !field(text, 5, 2, month) || text[7] != '-' ||
      !field(text, 8, 2, day)) {
    return bad();
  }
  const std::chrono::year_month_day date{std::chrono::year(static_cast<int>(year)), std::chrono::month(month),
                                         std::chrono::day(day)};
  if (!date.ok() || year < 1970) return make_input_error("not a valid date from 1970 on");
  if (text.size() == 10) return fmt::format("{}T00:00:00Z", text);

  unsigned hour = 0, minute = 0, second = 0;
  if ((text[10] != 'T' && text[10] != 't') || !field(text, 11, 2, hour) || text.size() < 19 || text[13] != ':' ||
      !field(text, 14, 2, minute) || text[16] != ':' || !field(text, 17, 2, second)) {
    return bad();
  }
  // Leap seconds (:60) are not accepted: nothing stored has one.
  if (hour > 23 || minute > 59 || second > 59) return make_input_error("not a valid time of day");
  std::size_t at = 19;
  std::string_view fraction;
  if (at < text.size() && text[at] == '.') {
    const std::size_t start = ++at;
    while (at < text.size() && is_digit(text[at])) ++at;
    fraction = text.substr(start, at - start);
    if (fraction.empty() || fraction.size() > 9) return bad();
  }
  std::chrono::minutes offset{0};
  const std::string_view zone = text.substr(at);
  if (zone == "Z" || zone == "z") {
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    unsigned offset_hours = 0, offset_minutes = 0;
    if (!field(zone, 1, 2, offset_hours) || !field(zone, 4, 2, offset_minutes) || offset_hours > 23 ||
        offset_minutes > 59) {
      return bad();
    }
    offset = std::chrono::hours(offset_hours) + std::chrono::minutes(offset_minutes);
    if (zone[0] == '-') offset = -offset;
  } else {
    return bad();
  }
  const auto utc = std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
                   std::chrono::seconds(second) - offset;
  const auto utc_day = std::chrono::floor<std::chrono::days>(utc);
  const std::chrono::year_month_day utc_date(utc_day);
  const std::chrono::hh_mm_ss time(utc - utc_day);
  if (utc_date.year() < std::chrono::year(1970) || utc_date.year() > std::chrono::year(9999)) {
    return make_input_error("not a valid date from 1970 on");
  }
  // Trailing zeros of the fraction carry nothing: dropped, so equal instants
  // read the same.
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{}Z", static_cast<int>(utc_date.year()),
                     static_cast<unsigned>(utc_date.month()), static_cast<unsigned>(utc_date.day()),
                     time.hours().count(), time.minutes().count(), time.seconds().count(), fraction.empty() ? "" : ".",
                     fraction);
}

}  // namespace

Result<std::string> ParamValidator::normalise(const ParamSpec& spec, std::string_view value) {
  if (value.size() > spec.max_length) return make_input_error(fmt::format("longer than {} bytes", spec.max_length));
  if (!is_valid_utf8(value)) return make_input_error("not valid UTF-8");
  switch (spec.type) {
    case ParamType::string:
      return std::string(value);
    case ParamType::integer:
      return normalise_integer(spec, value);
    case ParamType::asn:
      return normalise_asn(value);
    case ParamType::ip: {
      auto address = parse_address(value);
      if (!address) return address.error();
      return address->to_string();
    }
    case ParamType::cidr:
      return normalise_cidr(value);
    case ParamType::country:
      return normalise_country(value);
    case ParamType::timestamp:
      return normalise_timestamp(value);
    case ParamType::choice:
      if (std::find(spec.choices.begin(), spec.choices.end(), value) != spec.choices.end()) return std::string(value);
      return make_input_error(fmt::format("not one of {}", fmt::join(spec.choices, ", ")));
  }
  return make_input_error("has a type this server does not know");
}

ParamValidator::Outcome ParamValidator::validate(const std::vector<ParamSpec>& specs,
                                                 const std::vector<std::pair<std::string, std::string>>& query) {
  Outcome outcome;
  const auto report = [&](const std::string& name, std::string reason) {
    for (const auto& seen : outcome.invalid) {
      if (seen.name == name && seen.reason == reason) return;
    }
    outcome.invalid.push_back({name, std::move(reason)});
  };
  std::map<std::string, std::size_t> given;
  for (const auto& [name, value] : query) {
    // By reference to the pair's member, not the binding: clang 14 cannot capture structured bindings.
    const std::string& wanted = name;
    const auto spec =
        std::find_if(specs.begin(), specs.end(), [&wanted](const ParamSpec& s) { return s.name == wanted; });
    if (spec == specs.end()) {
      report(name, "unknown parameter");
      continue;
    }
    if (++given[name] == 2 && !spec->repeated) report(name, "given more than once");
    auto normalised = normalise(*spec, value);
    if (!normalised) {
      report(name, normalised.error().message);
      continue;
    }
    outcome.values[name].push_back(std::move(*normalised));
  }
  if (!outcome.invalid.empty()) outcome.values.clear();
  return outcome;
}

}  // namespace fumidai::api
