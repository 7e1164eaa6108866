#pragma once
// MurmurHash3_x86_32 (Austin Appleby's public-domain reference), byte for
// byte: blocks read little-endian whatever the host. Used for Shodan's
// favicon hash, so it must match Python's mmh3.hash(). Pure function, safe
// from any thread.
#include <cstdint>
#include <span>

namespace fumidai::scanner {

std::uint32_t murmur3_x86_32(std::span<const std::uint8_t> data, std::uint32_t seed = 0);

}  // namespace fumidai::scanner
