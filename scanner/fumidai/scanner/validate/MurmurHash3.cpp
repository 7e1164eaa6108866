#include "fumidai/scanner/validate/MurmurHash3.h"

#include <bit>

namespace fumidai::scanner {

namespace {

constexpr std::uint32_t kC1 = 0xcc9e2d51;
constexpr std::uint32_t kC2 = 0x1b873593;

std::uint32_t mix_block(std::uint32_t k) {
  k *= kC1;
  k = std::rotl(k, 15);
  return k * kC2;
}

}  // namespace

std::uint32_t murmur3_x86_32(std::span<const std::uint8_t> data, std::uint32_t seed) {
  std::uint32_t h = seed;
  const std::size_t blocks = data.size() / 4;
  for (std::size_t i = 0; i < blocks; ++i) {
    const std::uint8_t* p = data.data() + 4 * i;
    const std::uint32_t k =
        std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
    h ^= mix_block(k);
    h = std::rotl(h, 13);
    h = h * 5 + 0xe6546b64;
  }
  const std::span<const std::uint8_t> tail = data.subspan(4 * blocks);
  std::uint32_t k = 0;
  switch (tail.size()) {
    case 3:
      k ^= std::uint32_t{tail[2]} << 16;
      [[fallthrough]];
    case 2:
      k ^= std::uint32_t{tail[1]} << 8;
      [[fallthrough]];
    case 1:
      k ^= tail[0];
      h ^= mix_block(k);
      break;
    default:
      break;
  }
  // The reference mixes in the length as a 32-bit int; longer inputs wrap.
  h ^= static_cast<std::uint32_t>(data.size());
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return h;
}

}  // namespace fumidai::scanner
