#pragma once
// UDP payload "dns": a "version.bind" CH TXT query (the name BIND, dnsmasq,
// Unbound and many router firmwares answer with their version). The
// transaction ID is the cookie's first two bytes; a reply must echo it, have
// QR set and opcode QUERY. It needs no recursion, so it asks nothing of
// anyone but the server probed.
#include "fumidai/scanner/udp/UdpPayload.h"

namespace fumidai::scanner {

class DnsPayload final : public UdpPayload {
 public:
  std::string_view name() const override { return "dns"; }
  std::string_view protocol() const override { return "dns"; }
  std::size_t max_size() const override;
  std::size_t build(const UdpCookie& cookie, std::span<std::uint8_t> out) const override;
  bool validate(std::span<const std::uint8_t> reply, const UdpCookie& cookie) const override;
  // {"rcode":"NOERROR","authoritative":false,"recursion_available":false,
  //  "answers":1,"version":"dnsmasq-2.89"}, plus "truncated" and "error"
  // when they apply.
  boost::json::object describe(std::span<const std::uint8_t> reply) const override;
};

}  // namespace fumidai::scanner
