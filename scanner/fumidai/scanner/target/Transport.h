#pragma once
#include <cstdint>
#include <string_view>

namespace fumidai::scanner {

// The transport a probe uses; records name it ("transport":"tcp"|"udp").
enum class Transport : std::uint8_t { tcp, udp };

constexpr std::string_view transport_name(Transport t) { return t == Transport::tcp ? "tcp" : "udp"; }

}  // namespace fumidai::scanner
