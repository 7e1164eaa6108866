#pragma once
// Which probe module grabs which port: a small text file people edit (see
// scanner/data/default-grab-profile.conf, which is embedded as the default).
// Contract: a value type; parse() checks every module name against the
// registry so a typo fails at start-up, not mid-scan.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/scanner/grab/ProbeRegistry.h"

namespace fumidai::scanner {

class PortProfile {
 public:
  static constexpr std::size_t kMaxFileBytes = 1 << 20;
  // Each module after the first costs a grab's time again when the ones
  // before it fail.
  static constexpr std::size_t kMaxModulesPerPort = 4;

  // Errors name the file, the line and the bad value. `source` names the
  // text in messages (a path, or "built-in profile").
  static Result<PortProfile> parse(std::string_view text, std::string_view source, const ProbeRegistry& registry);
  static Result<PortProfile> load_file(const std::string& path, const ProbeRegistry& registry);
  static PortProfile built_in(const ProbeRegistry& registry);
  // Every target grabbed with one module (the CLI's --module), over the
  // module's transport whatever the target's.
  static PortProfile single(const ProbeModule& module);

  // The modules to try on a port, in order: "443 https,openvpn" tries
  // OpenVPN when TLS fails. Empty only for a UDP port with neither a line
  // nor a "*/udp" line: UDP has no protocol-neutral first move.
  std::span<const ProbeModule* const> modules_for(std::uint16_t port, Transport transport = Transport::tcp) const;
  // The first of modules_for(), or null.
  const ProbeModule* module_for(std::uint16_t port, Transport transport = Transport::tcp) const {
    const auto modules = modules_for(port, transport);
    return modules.empty() ? nullptr : modules.front();
  }

 private:
  using Chain = std::vector<const ProbeModule*>;

  static std::uint32_t key(std::uint16_t port, Transport transport) {
    return port | static_cast<std::uint32_t>(transport) << 16;
  }

  std::unordered_map<std::uint32_t, Chain> by_port_;
  Chain fallback_;      // "*": TCP ports not listed
  Chain udp_fallback_;  // "*/udp", optional
  bool single_ = false;
};

}  // namespace fumidai::scanner
