#pragma once
// Turns captured frames into results: parse, validate statelessly, report each
// (address, port) once. Memory grows with the number of distinct responders
// (16 bytes each), never with the number of probes.
// Contract: single-threaded (the receiver thread); the output module, validator,
// clock and counters are borrowed and outlive it.
#include <cstdint>
#include <span>
#include <unordered_set>

#include "fumidai/core/Clock.h"
#include "fumidai/scanner/output/OutputModule.h"
#include "fumidai/scanner/scan/ScanCounters.h"
#include "fumidai/scanner/validate/ProbeValidator.h"

namespace fumidai::scanner {

class ResponseProcessor {
 public:
  ResponseProcessor(const ProbeValidator& validator, std::uint32_t scanner_ip, bool report_closed, OutputModule& output,
                    Clock& clock, ScanCounters& counters);
  void handle_frame(std::span<const std::uint8_t> frame);

 private:
  const ProbeValidator& validator_;
  std::uint32_t scanner_ip_;
  bool report_closed_;
  OutputModule& output_;
  Clock& clock_;
  ScanCounters& counters_;
  std::unordered_set<std::uint64_t> seen_;
};

}  // namespace fumidai::scanner
