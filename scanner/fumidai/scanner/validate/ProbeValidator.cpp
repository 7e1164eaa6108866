#include "fumidai/scanner/validate/ProbeValidator.h"

#include <array>
#include <cassert>
#include <span>

namespace fumidai::scanner {

ProbeValidator::ProbeValidator(const SipKey& key, std::uint16_t source_port_first, std::uint16_t source_port_last,
                               std::uint32_t probes_per_target)
    : key_(key),
      port_first_(source_port_first),
      port_count_(std::uint32_t{source_port_last} - source_port_first + 1),
      probes_(probes_per_target) {
  assert(source_port_first <= source_port_last && probes_per_target >= 1);
}

ProbeCookie ProbeValidator::cookie(std::uint32_t source, std::uint32_t destination, std::uint16_t destination_port,
                                   Transport transport) const {
  // TCP's message stays the 10 bytes it always was; UDP appends its IP
  // protocol number.
  const std::array<std::uint8_t, 11> message{static_cast<std::uint8_t>(source >> 24),
                                             static_cast<std::uint8_t>(source >> 16),
                                             static_cast<std::uint8_t>(source >> 8),
                                             static_cast<std::uint8_t>(source),
                                             static_cast<std::uint8_t>(destination >> 24),
                                             static_cast<std::uint8_t>(destination >> 16),
                                             static_cast<std::uint8_t>(destination >> 8),
                                             static_cast<std::uint8_t>(destination),
                                             static_cast<std::uint8_t>(destination_port >> 8),
                                             static_cast<std::uint8_t>(destination_port),
                                             17};
  const std::uint64_t mac =
      siphash24(key_, std::span<const std::uint8_t>(message).first(transport == Transport::tcp ? 10 : 11));
  return ProbeCookie{static_cast<std::uint32_t>(mac), static_cast<std::uint32_t>(mac >> 32)};
}

std::uint16_t ProbeValidator::source_port(const ProbeCookie& cookie, std::uint32_t probe) const {
  return static_cast<std::uint16_t>(port_first_ + (std::uint64_t{cookie.port_word} + probe) % port_count_);
}

bool ProbeValidator::validate(std::uint32_t scanner, std::uint32_t target, std::uint16_t target_port,
                              std::uint16_t scanner_port, std::uint32_t ack) const {
  const ProbeCookie c = cookie(scanner, target, target_port);
  return ack == c.sequence + 1 && is_source_port(c, scanner_port);
}

bool ProbeValidator::is_source_port(const ProbeCookie& c, std::uint16_t scanner_port) const {
  if (scanner_port < port_first_ || std::uint32_t{scanner_port} - port_first_ >= port_count_) return false;
  const std::uint32_t probe =
      (std::uint32_t{scanner_port} - port_first_ + port_count_ - c.port_word % port_count_) % port_count_;
  return probe < probes_;
}

}  // namespace fumidai::scanner
