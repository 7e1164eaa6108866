#pragma once
// The Internet checksum (RFC 1071) for IPv4 headers and TCP/UDP segments.
#include <cstdint>
#include <span>

namespace fumidai::scanner {

// One's-complement sum of 16-bit big-endian words, not yet folded or inverted.
std::uint32_t checksum_partial(std::span<const std::uint8_t> bytes, std::uint32_t sum = 0);
std::uint16_t checksum_finish(std::uint32_t sum);
// Sum of the IPv4 pseudo-header for a transport segment of `length` bytes.
std::uint32_t pseudo_header_sum(std::uint32_t source, std::uint32_t destination, std::uint8_t protocol,
                                std::uint16_t length);

}  // namespace fumidai::scanner
