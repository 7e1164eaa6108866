#include "fumidai/db/DelegatedLineParser.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <charconv>

#include "fumidai/core/Trim.h"
#include "fumidai/db/AttributionFields.h"

namespace fumidai::db {
namespace {

constexpr std::size_t kMaxDelegatedFields = 16;
constexpr std::size_t max_registry_bytes = 16;

bool is_registry(std::string_view text) {
  return !text.empty() && text.size() <= max_registry_bytes &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

Result<std::uint64_t> number(std::string_view text, std::string_view what) {
  std::uint64_t value = 0;
  const auto [ptr, err] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || text.size() > 10 || err != std::errc() || ptr != text.data() + text.size()) {
    return make_input_error(fmt::format("bad {} {:?}", what, text.substr(0, 16)));
  }
  return value;
}

}  // namespace

std::vector<IpPrefix> ipv4_range_cidrs(std::uint32_t first, std::uint64_t count) {
  std::vector<IpPrefix> out;
  std::uint64_t start = first;
  while (count > 0) {
    // The largest aligned block at `start` that fits in what is left.
    unsigned bits = start == 0 ? 32 : static_cast<unsigned>(std::countr_zero(start));
    while (bits > 0 && (std::uint64_t{1} << bits) > count) --bits;
    out.push_back({boost::asio::ip::address_v4(static_cast<std::uint32_t>(start)), 32 - bits});
    start += std::uint64_t{1} << bits;
    count -= std::uint64_t{1} << bits;
  }
  return out;
}

Result<std::optional<DelegatedRow>> DelegatedLineParser::parse(std::string_view line) const {
  if (trim_blanks(line).empty() || line.front() == '#') return std::nullopt;
  auto fields = split_fields(line, '|', kMaxDelegatedFields);
  if (!fields) return fields.error();
  const auto& f = *fields;
  // The version line: version|registry|serial|records|startdate|enddate|UTCoffset.
  if (!f[0].empty() &&
      std::all_of(f[0].begin(), f[0].end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; })) {
    if (f.size() < 7) return make_input_error("a version line needs 7 fields");
    return std::nullopt;
  }
  if (f.size() < 7 && !(f.size() == 6 && f[5] == "summary")) {
    return make_input_error(
        fmt::format("expected registry|cc|type|start|value|date|status, found {} fields", f.size()));
  }
  if (!is_registry(f[0])) return make_input_error(fmt::format("bad registry {:?}", f[0].substr(0, 32)));
  if (f[5] == "summary") return std::nullopt;
  const std::string_view type = f[2];
  if (type != "ipv4" && type != "ipv6" && type != "asn") {
    return make_input_error(fmt::format("unknown type {:?} (ipv4, ipv6 or asn)", type.substr(0, 16)));
  }
  const std::string_view status = f[6];
  if (status != "allocated" && status != "assigned" && status != "available" && status != "reserved") {
    return make_input_error(
        fmt::format("unknown status {:?} (allocated, assigned, available or reserved)", status.substr(0, 16)));
  }
  if (type == "asn" || (status != "allocated" && status != "assigned")) return std::nullopt;

  DelegatedRow row;
  row.registry = std::string(f[0]);
  row.status = std::string(status);
  auto country = parse_country(f[1]);
  if (!country) return country.error();
  row.country = std::move(*country);
  if (!f[5].empty() && f[5] != "00000000") {
    auto date = parse_compact_date(f[5]);
    if (!date) return date.error();
    row.date = *date;
  }
  auto value = number(f[4], type == "ipv4" ? "address count" : "prefix length");
  if (!value) return value.error();
  boost::system::error_code ec;
  if (type == "ipv4") {
    const auto start =
        f[3].size() > 15 ? boost::asio::ip::address_v4() : boost::asio::ip::make_address_v4(std::string(f[3]), ec);
    if (ec || f[3].size() > 15) return make_input_error(fmt::format("bad IPv4 start {:?}", f[3].substr(0, 64)));
    const std::uint64_t first = start.to_uint();
    if (*value == 0 || first + *value > (std::uint64_t{1} << 32)) {
      return make_input_error(fmt::format("address count {} does not fit after {}", *value, start.to_string()));
    }
    row.prefixes = ipv4_range_cidrs(start.to_uint(), *value);
  } else {
    if (*value > 128) return make_input_error(fmt::format("bad prefix length {}", *value));
    auto prefix = parse_prefix(fmt::format("{}/{}", f[3], *value));
    if (!prefix) return prefix.error();
    if (!prefix->network.is_v6()) return make_input_error("an ipv6 record with an IPv4 start");
    row.prefixes.push_back(*prefix);
  }
  return std::optional(std::move(row));
}

}  // namespace fumidai::db
