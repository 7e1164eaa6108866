// The UDP probe payloads that ship with fumidai. A new protocol is one
// payload file, one line here and its ports in default-udp-payloads.conf.
#include "fumidai/scanner/udp/DnsPayload.h"
#include "fumidai/scanner/udp/EmptyPayload.h"
#include "fumidai/scanner/udp/IkePayload.h"
#include "fumidai/scanner/udp/L2tpPayload.h"
#include "fumidai/scanner/udp/OpenVpnPayload.h"
#include "fumidai/scanner/udp/SsdpPayload.h"
#include "fumidai/scanner/udp/UdpPayloadRegistry.h"

namespace fumidai::scanner {

void register_builtin_udp_payloads(UdpPayloadRegistry& registry) {
  registry.add(std::make_unique<DnsPayload>());
  registry.add(std::make_unique<SsdpPayload>());
  registry.add(std::make_unique<EmptyPayload>());
  registry.add(std::make_unique<IkePayload>(false));
  registry.add(std::make_unique<IkePayload>(true));
  registry.add(std::make_unique<L2tpPayload>());
  registry.add(std::make_unique<OpenVpnPayload>());
}

}  // namespace fumidai::scanner
