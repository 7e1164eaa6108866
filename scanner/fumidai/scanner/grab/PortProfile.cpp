#include "fumidai/scanner/grab/PortProfile.h"

#include <fmt/format.h>

#include <cassert>
#include <charconv>
#include <fstream>
#include <sstream>

#include "fumidai/core/Trim.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::embedded {
extern const std::string_view default_grab_profile_conf;
}

namespace fumidai::scanner {
Result<PortProfile> PortProfile::parse(std::string_view text, std::string_view source, const ProbeRegistry& registry) {
  PortProfile profile;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    line = trim_blanks(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    const auto where = [&] { return fmt::format("{}:{}", source, line_number); };
    const std::size_t gap = line.find_first_of(" \t");
    if (gap == std::string_view::npos)
      return make_input_error(fmt::format("{}: expected \"PORT[/udp] MODULE\", got {}", where(), quote_bytes(line)));
    std::string_view port_text = line.substr(0, gap);
    Chain chain;
    for (std::string_view names = trim_blanks(line.substr(gap)); !names.empty();) {
      const std::size_t comma = names.find(',');
      const std::string_view name = trim_blanks(names.substr(0, comma));
      names = comma == std::string_view::npos ? std::string_view() : names.substr(comma + 1);
      const ProbeModule* module = registry.find(name);
      if (module == nullptr)
        return make_input_error(fmt::format("{}: unknown probe module {}", where(), quote_bytes(name)));
      chain.push_back(module);
    }
    if (chain.size() > kMaxModulesPerPort)
      return make_input_error(fmt::format("{}: more than {} modules for one port", where(), kMaxModulesPerPort));
    Transport transport = Transport::tcp;
    if (const std::size_t slash = port_text.find('/'); slash != std::string_view::npos) {
      const std::string_view suffix = port_text.substr(slash + 1);
      if (suffix == "udp")
        transport = Transport::udp;
      else if (suffix != "tcp")
        return make_input_error(fmt::format("{}: bad transport {} (tcp or udp)", where(), quote_bytes(suffix)));
      port_text = port_text.substr(0, slash);
    }
    for (const ProbeModule* module : chain)
      if (module->transport() != transport)
        return make_input_error(fmt::format("{}: module {} speaks {}, not {}", where(), quote_bytes(module->name()),
                                            transport_name(module->transport()), transport_name(transport)));
    if (port_text == "*") {
      Chain& fallback = transport == Transport::udp ? profile.udp_fallback_ : profile.fallback_;
      if (!fallback.empty()) return make_input_error(fmt::format("{}: a second \"*\" line", where()));
      fallback = std::move(chain);
      continue;
    }
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535)
      return make_input_error(fmt::format("{}: bad port {}", where(), quote_bytes(port_text)));
    if (!profile.by_port_.emplace(key(static_cast<std::uint16_t>(port), transport), std::move(chain)).second)
      return make_input_error(fmt::format("{}: port {}/{} is listed twice", where(), port, transport_name(transport)));
  }
  if (profile.fallback_.empty())
    return make_input_error(fmt::format("{}: no \"* MODULE\" line for the TCP ports not listed", source));
  return profile;
}

Result<PortProfile> PortProfile::load_file(const std::string& path, const ProbeRegistry& registry) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_input_error(fmt::format("cannot read port profile '{}'", path));
  std::string text(kMaxFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxFileBytes)
    return make_input_error(fmt::format("port profile '{}' is over {} bytes", path, kMaxFileBytes));
  return parse(text, path, registry);
}

PortProfile PortProfile::built_in(const ProbeRegistry& registry) {
  auto profile = parse(embedded::default_grab_profile_conf, "built-in profile", registry);
  assert(profile);  // the unit tests parse the same text against the built-in registry
  return std::move(*profile);
}

PortProfile PortProfile::single(const ProbeModule& module) {
  PortProfile profile;
  profile.fallback_ = {&module};
  profile.single_ = true;
  return profile;
}

std::span<const ProbeModule* const> PortProfile::modules_for(std::uint16_t port, Transport transport) const {
  if (single_) return fallback_;
  const auto it = by_port_.find(key(port, transport));
  if (it != by_port_.end()) return it->second;
  return transport == Transport::udp ? udp_fallback_ : fallback_;
}

}  // namespace fumidai::scanner
