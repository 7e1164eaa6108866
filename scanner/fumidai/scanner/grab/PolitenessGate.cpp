#include "fumidai/scanner/grab/PolitenessGate.h"

#include <cassert>

namespace fumidai::scanner {

std::size_t PolitenessGate::count(const std::unordered_map<std::uint32_t, std::size_t>& m, std::uint32_t key) {
  const auto it = m.find(key);
  return it == m.end() ? 0 : it->second;
}

void PolitenessGate::decrement(std::unordered_map<std::uint32_t, std::size_t>& m, std::uint32_t key) {
  const auto it = m.find(key);
  assert(it != m.end() && it->second > 0);  // finished() without started() is the engine's bug
  if (--it->second == 0) m.erase(it);
}

bool PolitenessGate::may_start(std::uint32_t ip) const {
  return count(hosts_, ip) < per_host_ && count(prefixes_, prefix24(ip)) < per_prefix_;
}

void PolitenessGate::started(std::uint32_t ip) {
  ++hosts_[ip];
  ++prefixes_[prefix24(ip)];
}

void PolitenessGate::finished(std::uint32_t ip) {
  decrement(hosts_, ip);
  decrement(prefixes_, prefix24(ip));
}

}  // namespace fumidai::scanner
