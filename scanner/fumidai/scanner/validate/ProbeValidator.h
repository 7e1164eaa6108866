#pragma once
// Stateless validation, as in ZMap: a keyed MAC over (source, destination,
// destination port) gives the TCP sequence number and the source port of each
// probe, so a reply proves itself genuine (ack == seq + 1, right ports) with no
// per-target state. The key is random per scan. A UDP probe's MAC also covers
// the transport; its 64 bits choose the source port and fill the protocol's
// own ID fields (see udp/UdpCookie.h), which a reply must echo.
// Contract: immutable after construction; thread-safe.
#include <cstdint>

#include "fumidai/scanner/target/Transport.h"
#include "fumidai/scanner/validate/SipHash.h"

namespace fumidai::scanner {

struct ProbeCookie {
  std::uint32_t sequence;
  std::uint32_t port_word;  // selects the source port
};

class ProbeValidator {
 public:
  ProbeValidator(const SipKey& key, std::uint16_t source_port_first, std::uint16_t source_port_last,
                 std::uint32_t probes_per_target);

  ProbeCookie cookie(std::uint32_t source, std::uint32_t destination, std::uint16_t destination_port,
                     Transport transport = Transport::tcp) const;
  // Probe k of a target (0 <= k < probes) leaves from a different source port,
  // so duplicates of a probe are distinguishable and each validates.
  std::uint16_t source_port(const ProbeCookie& cookie, std::uint32_t probe) const;

  // A reply from (target, target_port) to (scanner, scanner_port) acknowledging `ack`.
  bool validate(std::uint32_t scanner, std::uint32_t target, std::uint16_t target_port, std::uint16_t scanner_port,
                std::uint32_t ack) const;
  // True if `scanner_port` is the source port of one of the probes sent with
  // `cookie`: all that a UDP reply or an ICMP error can prove by itself.
  bool is_source_port(const ProbeCookie& cookie, std::uint16_t scanner_port) const;

 private:
  SipKey key_;
  std::uint16_t port_first_;
  std::uint32_t port_count_;
  std::uint32_t probes_;
};

}  // namespace fumidai::scanner
