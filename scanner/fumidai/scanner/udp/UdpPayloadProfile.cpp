#include "fumidai/scanner/udp/UdpPayloadProfile.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <charconv>
#include <fstream>

#include "fumidai/core/Trim.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::embedded {
extern const std::string_view default_udp_payloads_conf;
}

namespace fumidai::scanner {

Result<UdpPayloadProfile> UdpPayloadProfile::parse(std::string_view text, std::string_view source,
                                                   std::shared_ptr<const UdpPayloadRegistry> registry) {
  UdpPayloadProfile profile;
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
      return make_input_error(fmt::format("{}: expected \"PORT PAYLOAD\", got {}", where(), quote_bytes(line)));
    const std::string_view port_text = line.substr(0, gap);
    const std::string_view name = trim_blanks(line.substr(gap));
    const UdpPayload* payload = registry->find(name);
    if (payload == nullptr)
      return make_input_error(fmt::format("{}: unknown UDP payload {}", where(), quote_bytes(name)));
    if (port_text == "*") {
      if (profile.fallback_ != nullptr) return make_input_error(fmt::format("{}: a second \"*\" line", where()));
      profile.fallback_ = payload;
      continue;
    }
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535)
      return make_input_error(fmt::format("{}: bad port {}", where(), quote_bytes(port_text)));
    if (!profile.by_port_.emplace(static_cast<std::uint16_t>(port), payload).second)
      return make_input_error(fmt::format("{}: port {} is listed twice", where(), port));
  }
  if (profile.fallback_ == nullptr)
    return make_input_error(fmt::format("{}: no \"* PAYLOAD\" line for the ports not listed", source));
  profile.registry_ = std::move(registry);
  return profile;
}

Result<UdpPayloadProfile> UdpPayloadProfile::load_file(const std::string& path,
                                                       std::shared_ptr<const UdpPayloadRegistry> registry) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_input_error(fmt::format("cannot read UDP payload file '{}'", path));
  std::string text(kMaxFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxFileBytes)
    return make_input_error(fmt::format("UDP payload file '{}' is over {} bytes", path, kMaxFileBytes));
  return parse(text, path, std::move(registry));
}

UdpPayloadProfile UdpPayloadProfile::built_in() {
  auto registry = std::make_shared<UdpPayloadRegistry>();
  register_builtin_udp_payloads(*registry);
  auto profile = parse(embedded::default_udp_payloads_conf, "built-in UDP payloads", std::move(registry));
  assert(profile);  // the unit tests parse the same text
  return std::move(*profile);
}

const UdpPayload* UdpPayloadProfile::payload_for(std::uint16_t port) const {
  const auto it = by_port_.find(port);
  return it == by_port_.end() ? fallback_ : it->second;
}

std::vector<std::pair<std::uint16_t, const UdpPayload*>> UdpPayloadProfile::listed() const {
  std::vector<std::pair<std::uint16_t, const UdpPayload*>> ports(by_port_.begin(), by_port_.end());
  std::sort(ports.begin(), ports.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return ports;
}

}  // namespace fumidai::scanner
