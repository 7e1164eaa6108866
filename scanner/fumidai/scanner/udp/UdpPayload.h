#pragma once
// A stage-1 UDP probe payload: one protocol's request, small enough to send
// statelessly, that a server of that protocol answers. Payloads are
// registered by name in a UdpPayloadRegistry (see BuiltinUdpPayloads.cpp); a
// UdpPayloadProfile (scanner/data/default-udp-payloads.conf) maps ports to
// names. Adding a protocol is adding a payload, never editing the scanner.
//
// Contract: payloads are immutable and shared by every sender thread and the
// receiver thread (all methods const and thread-safe). build() runs on the
// send path: it writes into the sender's reused batch buffer and must not
// allocate. It puts the probe's validation bytes (UdpCookie) into the
// protocol's own ID field where the protocol has one, so that validate() can
// check a reply with no per-probe state. validate() and describe() read
// untrusted bytes, possibly cut short (a reply larger than the capture, or
// the first fragment of one): bounded work, no exceptions, no asserts on the
// content; describe() reports what it could not parse as an "error" field.
#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "fumidai/scanner/udp/UdpCookie.h"

namespace fumidai::scanner {

class UdpPayload {
 public:
  virtual ~UdpPayload() = default;
  virtual std::string_view name() const = 0;      // registry key, e.g. "dns"
  virtual std::string_view protocol() const = 0;  // the record's "protocol", e.g. "dns", "upnp"
  // The most build() writes; at most UdpProbeBuilder::kMaxPayload.
  virtual std::size_t max_size() const = 0;
  // Writes one probe's datagram into `out` (at least max_size() bytes) and
  // returns its size.
  virtual std::size_t build(const UdpCookie& cookie, std::span<std::uint8_t> out) const = 0;
  // True if `reply` answers a probe built with `cookie`: the protocol's ID
  // field echoes the cookie, where it has one, and the reply is of the
  // protocol.
  virtual bool validate(std::span<const std::uint8_t> reply, const UdpCookie& cookie) const = 0;
  // The findings in a validated reply: the record's "data".
  virtual boost::json::object describe(std::span<const std::uint8_t> reply) const = 0;
};

}  // namespace fumidai::scanner
