#pragma once
// The IKE codec as stage 1's UDP payload registry and the stage-2 probe share
// it: build a request carrying an 8-byte cookie, tell whether a datagram
// answers it, describe the answer. Datagrams here carry no NAT-T non-ESP
// marker (UDP 4500 adds and strips it). Pure functions, any thread.
#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <span>

#include "fumidai/core/Error.h"

namespace fumidai::scanner::ike {

// An IKEv2 IKE_SA_INIT request with `cookie` as the initiator SPI and a fresh
// MODP2048 value and nonce (see IkeRequest.h), written into `out` (at least
// kIkeMaxRequestBytes to be safe). Returns its size.
Result<std::size_t> build_ikev2_sa_init(std::span<std::uint8_t> out, std::span<const std::uint8_t, 8> cookie);

// Whether `reply` answers a request (IKEv1 or IKEv2) whose initiator SPI was
// `cookie`: at least an IKE header, that SPI, major version 1 or 2, and sent
// by a responder (IKEv2: the Response flag; IKEv1: a responder cookie, or an
// informational exchange), so a reflection of our own request never counts.
// It checks identity only: a lying length is the parser's to report.
bool answers(std::span<const std::uint8_t> reply, std::span<const std::uint8_t, 8> cookie);

// The reply's record fields (describe_ike_message) plus "vendor_ids" named
// by the built-in list.
boost::json::object describe(std::span<const std::uint8_t> reply);

}  // namespace fumidai::scanner::ike
