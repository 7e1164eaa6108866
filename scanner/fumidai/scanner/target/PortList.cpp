#include "fumidai/scanner/target/PortList.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <utility>

namespace fumidai::scanner {
namespace {

bool parse_port(std::string_view text, std::uint32_t& out) {
  if (text.empty() || text.size() > 5) return false;
  auto [next, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && next == text.data() + text.size() && out >= 1 && out <= 65535;
}

}  // namespace

Result<std::vector<std::uint16_t>> parse_port_list(std::string_view text) {
  if (text.empty()) return make_input_error("empty port list");
  // Ranges are merged before they are expanded, so the work and memory are
  // bounded by the 65535 possible ports, not by the sum of the ranges typed
  // ("1-65535,1-65535,..." in a 128 KiB argument once took 2 GiB and 44 s).
  std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges;
  while (true) {
    const auto comma = text.find(',');
    const auto item = text.substr(0, comma);
    const auto dash = item.find('-');
    std::uint32_t lo = 0;
    std::uint32_t hi = 0;
    const bool ok = dash == std::string_view::npos
                        ? parse_port(item, lo) && (hi = lo, true)
                        : parse_port(item.substr(0, dash), lo) && parse_port(item.substr(dash + 1), hi) && lo <= hi;
    if (!ok) return make_input_error(fmt::format("invalid port or port range '{}' (ports are 1-65535)", item));
    ranges.emplace_back(lo, hi);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  std::sort(ranges.begin(), ranges.end());
  std::vector<std::uint16_t> ports;
  std::uint32_t next = 1;  // every port below `next` is already in `ports`
  for (const auto& [lo, hi] : ranges) {
    for (std::uint32_t p = std::max(lo, next); p <= hi; ++p) ports.push_back(static_cast<std::uint16_t>(p));
    next = std::max(next, hi + 1);
  }
  return ports;
}

}  // namespace fumidai::scanner
