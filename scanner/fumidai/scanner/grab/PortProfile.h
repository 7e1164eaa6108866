#pragma once
// Which probe module grabs which port: a small text file people edit (see
// scanner/data/default-grab-profile.conf, which is embedded as the default).
// Contract: a value type; parse() checks every module name against the
// registry so a typo fails at start-up, not mid-scan.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "fumidai/core/Error.h"
#include "fumidai/scanner/grab/ProbeRegistry.h"

namespace fumidai::scanner {

class PortProfile {
 public:
  static constexpr std::size_t kMaxFileBytes = 1 << 20;

  // Errors name the file, the line and the bad value. `source` names the
  // text in messages (a path, or "built-in profile").
  static Result<PortProfile> parse(std::string_view text, std::string_view source, const ProbeRegistry& registry);
  static Result<PortProfile> load_file(const std::string& path, const ProbeRegistry& registry);
  static PortProfile built_in(const ProbeRegistry& registry);
  // Every port grabbed with one module (the CLI's --module).
  static PortProfile single(const ProbeModule& module);

  // Never null.
  const ProbeModule* module_for(std::uint16_t port) const;

 private:
  std::unordered_map<std::uint16_t, const ProbeModule*> by_port_;
  const ProbeModule* fallback_ = nullptr;
};

}  // namespace fumidai::scanner
