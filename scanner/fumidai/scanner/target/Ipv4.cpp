#include "fumidai/scanner/target/Ipv4.h"

#include <fmt/format.h>

#include <charconv>

namespace fumidai::scanner {
namespace {

// Strict dotted quad: four decimal octets, no leading '+', no trailing junk.
bool parse_quad(std::string_view text, std::uint32_t& out) {
  std::uint32_t value = 0;
  const char* p = text.data();
  const char* end = p + text.size();
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (p == end || *p != '.') return false;
      ++p;
    }
    if (p == end || *p < '0' || *p > '9') return false;
    unsigned part = 0;
    auto [next, ec] = std::from_chars(p, std::min(end, p + 3), part);
    if (ec != std::errc{} || part > 255 || (next - p > 1 && *p == '0')) return false;
    p = next;
    value = (value << 8) | part;
  }
  if (p != end) return false;
  out = value;
  return true;
}

}  // namespace

Result<std::uint32_t> parse_ipv4(std::string_view text) {
  std::uint32_t value = 0;
  if (!parse_quad(text, value)) return make_input_error(fmt::format("invalid IPv4 address '{}'", text));
  return value;
}

std::string format_ipv4(std::uint32_t a) {
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

Result<Ipv4Interval> parse_target(std::string_view text) {
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    auto base = parse_ipv4(text.substr(0, slash));
    const auto len_text = text.substr(slash + 1);
    unsigned len = 0;
    auto [next, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), len);
    if (!base || len_text.empty() || ec != std::errc{} || next != len_text.data() + len_text.size() || len > 32) {
      return make_input_error(fmt::format("invalid CIDR '{}'", text));
    }
    const std::uint32_t mask = len == 0 ? 0 : ~std::uint32_t{0} << (32 - len);
    return Ipv4Interval{*base & mask, (*base & mask) | ~mask};
  }
  if (auto dash = text.find('-'); dash != std::string_view::npos) {
    auto first = parse_ipv4(text.substr(0, dash));
    auto last = parse_ipv4(text.substr(dash + 1));
    if (!first || !last || *first > *last) return make_input_error(fmt::format("invalid address range '{}'", text));
    return Ipv4Interval{*first, *last};
  }
  auto single = parse_ipv4(text);
  if (!single) return make_input_error(fmt::format("invalid target '{}' (expected address, CIDR or range)", text));
  return Ipv4Interval{*single, *single};
}

}  // namespace fumidai::scanner
