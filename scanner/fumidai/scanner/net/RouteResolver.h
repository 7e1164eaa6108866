#pragma once
// Finds how probes leave this host: the kernel's route toward the targets
// (interface, source address, gateway) over rtnetlink, and the gateway's MAC
// from the neighbour table. Anything the user gave (-i, -S, -G) wins.
// Contract: blocking; called once at start-up, before any probe is sent.
#include <cstdint>
#include <optional>
#include <string>

#include "fumidai/core/Clock.h"
#include "fumidai/core/Error.h"
#include "fumidai/scanner/packet/MacAddress.h"

namespace fumidai::scanner {

struct NetworkPath {
  std::string interface;
  int interface_index = 0;
  MacAddress source_mac{};
  std::uint32_t source_ip = 0;
  MacAddress gateway_mac{};
};

struct NetworkOverrides {
  std::optional<std::string> interface;
  std::optional<std::uint32_t> source_ip;
  std::optional<MacAddress> gateway_mac;
};

class RouteResolver {
 public:
  explicit RouteResolver(Clock& clock) : clock_(clock) {}
  // `toward` is any one target address; only the routing table is consulted.
  Result<NetworkPath> resolve(std::uint32_t toward, const NetworkOverrides& overrides) const;

 private:
  Clock& clock_;
};

}  // namespace fumidai::scanner
