#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "fumidai/core/Error.h"

namespace fumidai::scanner {

// "80,443,8000-8100" → sorted, de-duplicated ports. Port 0 is refused: no
// service listens there and a SYN to it is a malformed probe.
Result<std::vector<std::uint16_t>> parse_port_list(std::string_view text);

}  // namespace fumidai::scanner
