#pragma once
// SipHash-2-4 (Aumasson & Bernstein), 64-bit output, for the probe cookie.
#include <array>
#include <cstdint>
#include <span>

namespace fumidai::scanner {

using SipKey = std::array<std::uint64_t, 2>;

std::uint64_t siphash24(const SipKey& key, std::span<const std::uint8_t> data);

}  // namespace fumidai::scanner
