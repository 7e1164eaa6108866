#include "fumidai/scanner/udp/UdpPayloadRegistry.h"

#include <cassert>

#include "fumidai/scanner/packet/UdpProbeBuilder.h"

namespace fumidai::scanner {

bool UdpPayloadRegistry::add(std::unique_ptr<UdpPayload> payload) {
  assert(payload->max_size() <= UdpProbeBuilder::kMaxPayload);
  std::string name(payload->name());
  return payloads_.emplace(std::move(name), std::move(payload)).second;
}

const UdpPayload* UdpPayloadRegistry::find(std::string_view name) const {
  const auto it = payloads_.find(name);
  return it == payloads_.end() ? nullptr : it->second.get();
}

std::vector<std::string> UdpPayloadRegistry::names() const {
  std::vector<std::string> names;
  for (const auto& [name, payload] : payloads_) names.push_back(name);
  return names;
}

}  // namespace fumidai::scanner
