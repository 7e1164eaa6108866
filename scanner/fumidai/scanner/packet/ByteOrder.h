#pragma once
// Big-endian (network order) loads and stores on raw frame bytes. The caller
// has already checked that the bytes are there.
#include <cstdint>

namespace fumidai::scanner {

inline void put16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
inline void put32(std::uint8_t* p, std::uint32_t v) {
  put16(p, static_cast<std::uint16_t>(v >> 16));
  put16(p + 2, static_cast<std::uint16_t>(v));
}
inline std::uint16_t get16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }
inline std::uint32_t get32(const std::uint8_t* p) { return (std::uint32_t{get16(p)} << 16) | get16(p + 2); }

}  // namespace fumidai::scanner
