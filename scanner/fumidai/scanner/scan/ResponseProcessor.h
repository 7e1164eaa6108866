#pragma once
// Turns captured frames into results: parse, validate statelessly, report each
// (address, transport, port) once. Memory grows with the number of distinct
// responders (16 bytes each), never with the number of probes.
// TCP: a SYN-ACK is open, a RST closed. UDP (with a payload profile): a reply
// from a probed address and port to the probe's source port that the port's
// payload accepts (its cookie, where the protocol has an ID field) is open,
// described by the payload; an ICMP port unreachable quoting a probe we sent
// (target, port and our source port) is closed, any other ICMP destination
// unreachable quoting one is "unreachable". Closed and unreachable are
// counted always and written only with report_closed.
// Contract: single-threaded (the receiver thread); the output module,
// validator, clock, counters and payload profile are borrowed and outlive it.
#include <cstdint>
#include <span>
#include <unordered_set>

#include "fumidai/core/Clock.h"
#include "fumidai/scanner/output/OutputModule.h"
#include "fumidai/scanner/scan/ScanCounters.h"
#include "fumidai/scanner/target/Transport.h"
#include "fumidai/scanner/udp/UdpPayloadProfile.h"
#include "fumidai/scanner/validate/ProbeValidator.h"

namespace fumidai::scanner {

class ResponseProcessor {
 public:
  // `udp_payloads` null: a TCP-only scan, UDP and ICMP are ignored.
  ResponseProcessor(const ProbeValidator& validator, std::uint32_t scanner_ip, bool report_closed, OutputModule& output,
                    Clock& clock, ScanCounters& counters, const UdpPayloadProfile* udp_payloads = nullptr);
  void handle_frame(std::span<const std::uint8_t> frame);

 private:
  void handle_tcp(std::span<const std::uint8_t> frame);
  void handle_udp(std::span<const std::uint8_t> frame);
  void handle_icmp(std::span<const std::uint8_t> frame);
  // False (and counted as a duplicate) when the target was reported before.
  bool first_answer(std::uint32_t ip, Transport transport, std::uint16_t port);

  const ProbeValidator& validator_;
  std::uint32_t scanner_ip_;
  bool report_closed_;
  OutputModule& output_;
  Clock& clock_;
  ScanCounters& counters_;
  const UdpPayloadProfile* udp_payloads_;
  std::unordered_set<std::uint64_t> seen_;
};

}  // namespace fumidai::scanner
