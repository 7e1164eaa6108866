#pragma once
// Probe modules by name. Built once at start-up (register_builtin_probes adds
// the ones that ship), then read-only and shared by every engine thread.
// Contract: add() before use; find() is const and thread-safe afterwards.
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/scanner/grab/ProbeModule.h"

namespace fumidai::scanner {

class ProbeRegistry {
 public:
  // False (and nothing added) when the name is taken.
  bool add(std::unique_ptr<ProbeModule> module);
  const ProbeModule* find(std::string_view name) const;
  std::vector<std::string> names() const;

 private:
  std::map<std::string, std::unique_ptr<ProbeModule>, std::less<>> modules_;
};

// Registers every module that ships with fumidai (one line each, in
// BuiltinProbes.cpp).
void register_builtin_probes(ProbeRegistry& registry);

}  // namespace fumidai::scanner
