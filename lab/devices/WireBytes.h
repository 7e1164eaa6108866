#pragma once
// Big-endian (network order) fields of the emulator's binary protocols, read
// from and written into byte strings.
// Contract: pure functions; the caller has checked that the field lies inside
// the bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace fumidai::lab::wire {

inline std::uint16_t u16(std::string_view bytes, std::size_t at) {
  return static_cast<std::uint16_t>((static_cast<unsigned char>(bytes[at]) << 8) |
                                    static_cast<unsigned char>(bytes[at + 1]));
}

inline std::uint32_t u32(std::string_view bytes, std::size_t at) {
  return (std::uint32_t{u16(bytes, at)} << 16) | u16(bytes, at + 2);
}

inline void put_u16(std::string& bytes, std::size_t at, std::uint16_t value) {
  bytes[at] = static_cast<char>(value >> 8);
  bytes[at + 1] = static_cast<char>(value & 0xff);
}

inline void put_u32(std::string& bytes, std::size_t at, std::uint32_t value) {
  put_u16(bytes, at, static_cast<std::uint16_t>(value >> 16));
  put_u16(bytes, at + 2, static_cast<std::uint16_t>(value & 0xffff));
}

inline void append_u16(std::string& bytes, std::uint16_t value) {
  bytes.push_back(static_cast<char>(value >> 8));
  bytes.push_back(static_cast<char>(value & 0xff));
}

inline void append_u32(std::string& bytes, std::uint32_t value) {
  append_u16(bytes, static_cast<std::uint16_t>(value >> 16));
  append_u16(bytes, static_cast<std::uint16_t>(value & 0xffff));
}

}  // namespace fumidai::lab::wire
