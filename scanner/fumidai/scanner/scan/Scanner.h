#pragma once
// Stage 1 end to end: resolve the path out, start one receiver and N sender
// threads, print a status line each second, stop on completion or interrupt,
// wait out the cooldown for late replies, and summarise.
// Contract: run() once per Scanner. `interrupts` is bumped by a signal
// handler: 1 stops sending (replies are still collected during the cooldown,
// and --resume continues exactly after the last batch sent), 2 ends at once.
#include <atomic>
#include <cstdio>
#include <string>

#include "fumidai/core/Clock.h"
#include "fumidai/core/Error.h"
#include "fumidai/scanner/output/OutputModule.h"
#include "fumidai/scanner/scan/ScanConfig.h"

namespace fumidai::scanner {

class Scanner {
 public:
  Scanner(ScanConfig config, Clock& clock, OutputModule& output, std::FILE* status)
      : config_(std::move(config)), clock_(clock), output_(output), status_(status) {}

  // Returns the JSON summary. Errors before anything was sent are returned as
  // values; the caller maps them to an exit code.
  Result<std::string> run(const std::atomic<int>& interrupts);

 private:
  ScanConfig config_;
  Clock& clock_;
  OutputModule& output_;
  std::FILE* status_;
};

}  // namespace fumidai::scanner
