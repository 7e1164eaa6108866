#include "fumidai/scanner/grab/ProbeRegistry.h"

namespace fumidai::scanner {

bool ProbeRegistry::add(std::unique_ptr<ProbeModule> module) {
  std::string name(module->name());
  return modules_.emplace(std::move(name), std::move(module)).second;
}

const ProbeModule* ProbeRegistry::find(std::string_view name) const {
  const auto it = modules_.find(name);
  return it == modules_.end() ? nullptr : it->second.get();
}

std::vector<std::string> ProbeRegistry::names() const {
  std::vector<std::string> names;
  for (const auto& [name, module] : modules_) names.push_back(name);
  return names;
}

}  // namespace fumidai::scanner
