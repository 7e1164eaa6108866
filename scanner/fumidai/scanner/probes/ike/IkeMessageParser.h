#pragma once
// parse_ike_message: reads one IKEv1 or IKEv2 message from an untrusted
// datagram (without the NAT-T non-ESP marker). Every length is checked
// against what is left before anything is read: the header (at least 28
// bytes, its length field at most the datagram), each generic payload header
// (4 bytes, a length of at least 4 that fits), and the SA payload's
// proposals, transforms and attributes inside their parent. The first lie
// stops the walk and is IkeMessage::error; everything read before it stays.
// Counts are capped (payloads, proposals, transforms, attributes) and stored
// bytes too (vendor IDs, notify data), so memory is bounded by the limits
// below whatever the input. Pure, any thread, never throws on input.
#include <cstddef>
#include <cstdint>
#include <span>

#include "fumidai/scanner/probes/ike/IkeMessage.h"

namespace fumidai::scanner {

inline constexpr std::size_t kIkeMaxPayloads = 64;
inline constexpr std::size_t kIkeMaxProposals = 16;
inline constexpr std::size_t kIkeMaxTransforms = 64;  // per proposal
inline constexpr std::size_t kIkeMaxAttributes = 16;  // per transform
// Longer vendor IDs exist (Check Point's carry a version after a 20-byte
// hash; Cisco's copyright string is 55 bytes); none needs more to be named.
inline constexpr std::size_t kIkeMaxVendorIdBytes = 64;
// Holds any cookie (RFC 7296: at most 64 bytes) and a notify's usual data.
inline constexpr std::size_t kIkeMaxNotifyDataBytes = 64;

IkeMessage parse_ike_message(std::span<const std::uint8_t> datagram);

}  // namespace fumidai::scanner
