#pragma once
// The validation bytes of one UDP probe: ProbeValidator's 64-bit MAC for
// (scanner, target, port, udp), big-endian, sequence word first. The port
// word also picks the probe's source port. A payload copies as many bytes as
// its protocol's ID field holds (DNS: 2 for the transaction ID; L2TP: 2 for
// the assigned tunnel ID; IKE and OpenVPN: 8 for the initiator SPI or session
// ID) and accepts only replies that echo them.
#include <array>
#include <cstdint>

#include "fumidai/scanner/packet/ByteOrder.h"
#include "fumidai/scanner/validate/ProbeValidator.h"

namespace fumidai::scanner {

struct UdpCookie {
  std::array<std::uint8_t, 8> bytes{};

  static UdpCookie from(const ProbeCookie& c) {
    UdpCookie cookie;
    put32(cookie.bytes.data(), c.sequence);
    put32(cookie.bytes.data() + 4, c.port_word);
    return cookie;
  }
  std::uint16_t first16() const { return get16(bytes.data()); }
};

}  // namespace fumidai::scanner
