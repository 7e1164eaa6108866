#pragma once
// Which payload a UDP probe of each port carries: a small text file people
// edit (see scanner/data/default-udp-payloads.conf, which is embedded as the
// default), with a "*" line for every port not listed.
// Contract: immutable once parsed, shared by the sender and receiver threads;
// it keeps its registry alive. parse() checks every name against the
// registry so a typo fails at start-up, not mid-scan.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/scanner/udp/UdpPayloadRegistry.h"

namespace fumidai::scanner {

class UdpPayloadProfile {
 public:
  static constexpr std::size_t kMaxFileBytes = 1 << 20;

  // Errors name the source, the line and the bad value. `source` names the
  // text in messages (a path, or "built-in UDP payloads").
  static Result<UdpPayloadProfile> parse(std::string_view text, std::string_view source,
                                         std::shared_ptr<const UdpPayloadRegistry> registry);
  static Result<UdpPayloadProfile> load_file(const std::string& path,
                                             std::shared_ptr<const UdpPayloadRegistry> registry);
  // The embedded default with the built-in payloads.
  static UdpPayloadProfile built_in();

  // Never null.
  const UdpPayload* payload_for(std::uint16_t port) const;
  // The ports listed, in order, and the payload for every other port.
  std::vector<std::pair<std::uint16_t, const UdpPayload*>> listed() const;
  const UdpPayload& fallback() const { return *fallback_; }

 private:
  std::shared_ptr<const UdpPayloadRegistry> registry_;
  std::unordered_map<std::uint16_t, const UdpPayload*> by_port_;
  const UdpPayload* fallback_ = nullptr;
};

}  // namespace fumidai::scanner
