#include "fumidai/scanner/packet/MacAddress.h"

#include <fmt/format.h>

#include <charconv>

namespace fumidai::scanner {

Result<MacAddress> parse_mac(std::string_view text) {
  MacAddress mac{};
  const auto bad = [&] {
    return make_input_error(fmt::format("invalid MAC address '{}' (expected aa:bb:cc:dd:ee:ff)", text));
  };
  if (text.size() != 17) return bad();
  for (std::size_t i = 0; i < 6; ++i) {
    const char* p = text.data() + i * 3;
    if (i > 0 && p[-1] != ':' && p[-1] != '-') return bad();
    auto [next, ec] = std::from_chars(p, p + 2, mac[i], 16);
    if (ec != std::errc{} || next != p + 2) return bad();
  }
  return mac;
}

std::string format_mac(const MacAddress& m) {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", m[0], m[1], m[2], m[3], m[4], m[5]);
}

}  // namespace fumidai::scanner
