#include "fumidai/scanner/target/PortList.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace fumidai::scanner {
namespace {

bool parse_port(std::string_view text, std::uint32_t& out) {
  if (text.empty() || text.size() > 5) return false;
  auto [next, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && next == text.data() + text.size() && out >= 1 && out <= 65535;
}

}  // namespace

Result<std::vector<std::uint16_t>> parse_port_list(std::string_view text) {
  std::vector<std::uint16_t> ports;
  if (text.empty()) return make_input_error("empty port list");
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
    for (std::uint32_t p = lo; p <= hi; ++p) ports.push_back(static_cast<std::uint16_t>(p));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  return ports;
}

}  // namespace fumidai::scanner
