#include "fumidai/scanner/target/TargetSpace.h"

#include <fmt/format.h>

#include <algorithm>

namespace fumidai::scanner {

Result<TargetSpace> TargetSpace::create(const IntervalSet& requested, const IntervalSet& blocklist,
                                        const std::vector<std::uint16_t>& tcp_ports,
                                        const std::vector<std::uint16_t>& udp_ports) {
  if (requested.empty()) return make_input_error("no targets given");
  if (tcp_ports.empty() && udp_ports.empty()) return make_input_error("no target ports given");
  TargetSpace space;
  space.addresses_ = requested.minus(blocklist);
  space.address_count_ = space.addresses_.count();
  space.blocklisted_ = requested.count() - space.address_count_;
  if (space.address_count_ == 0) {
    return make_input_error(
        fmt::format("all {} requested addresses are blocklisted; nothing to scan", requested.count()));
  }
  std::uint64_t next = 0;
  for (const auto& in : space.addresses_.intervals()) {
    space.starts_.push_back(next);
    next += in.size();
  }
  for (auto p : tcp_ports) space.ports_.push_back({p, Transport::tcp});
  for (auto p : udp_ports) space.ports_.push_back({p, Transport::udp});
  return space;
}

Target TargetSpace::at(std::uint64_t index) const {
  const std::uint64_t address_index = index % address_count_;
  const auto port_index = static_cast<std::size_t>(index / address_count_);
  const auto k =
      static_cast<std::size_t>(std::upper_bound(starts_.begin(), starts_.end(), address_index) - starts_.begin() - 1);
  const auto address = static_cast<std::uint32_t>(addresses_.intervals()[k].first + (address_index - starts_[k]));
  return Target{address, ports_[port_index].port, ports_[port_index].transport};
}

}  // namespace fumidai::scanner
