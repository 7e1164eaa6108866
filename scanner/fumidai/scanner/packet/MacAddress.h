#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "fumidai/core/Error.h"

namespace fumidai::scanner {

using MacAddress = std::array<std::uint8_t, 6>;

// "aa:bb:cc:dd:ee:ff" (':' or '-' separated, case-insensitive).
Result<MacAddress> parse_mac(std::string_view text);
std::string format_mac(const MacAddress& mac);

}  // namespace fumidai::scanner
