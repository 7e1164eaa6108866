#pragma once
// Probe module "upnp" (UDP, SSDP on 1900): a unicast M-SEARCH for root
// devices; the first datagram that is an SSDP "200" answer is recorded
// (data.ssdp: SERVER, LOCATION, USN, ST, CACHE-CONTROL, EXT). Then the
// device description is fetched over TCP with one GET, always from the
// scanned address: LOCATION's host is recorded and replaced, never
// contacted; only its port and path are used. The description (at most
// kMaxDescriptionBytes) is read by a bounded parser without entity
// expansion (data.description).
//
// Statuses: silence is io-timeout, ICMP port-unreachable is
// connection-refused. Once SSDP answered the record is a success, also
// when the description server cannot be reached (data.description.error
// says why); a description that is not HTTP, too big or not a valid UPnP
// document (a DOCTYPE: "DOCTYPE not allowed") is a protocol-error.
#include <cstddef>

#include "fumidai/scanner/grab/ProbeModule.h"

namespace fumidai::scanner {

class UpnpProbe final : public ProbeModule {
 public:
  static constexpr std::size_t kMaxDescriptionBytes = 64 * 1024;

  std::string_view name() const override { return "upnp"; }
  std::string_view protocol() const override { return "upnp"; }
  Transport transport() const override { return Transport::udp; }
  boost::asio::awaitable<ProbeOutcome> run(ProbeSession& session) const override;
};

}  // namespace fumidai::scanner
