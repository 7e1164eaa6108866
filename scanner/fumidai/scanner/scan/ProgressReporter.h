#pragma once
// ZMap-style status line, once a second on stderr:
//   0:04 42% (0:05 left); send: 402112 100.0 Kp/s (100.0 Kp/s avg); recv: 2041 510 p/s; hits: 0.51%; drops: 0
// Contract: called from the monitor thread only; reads the counters, owns nothing.
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "fumidai/core/Clock.h"
#include "fumidai/scanner/scan/ScanCounters.h"

namespace fumidai::scanner {

class ProgressReporter {
 public:
  ProgressReporter(const ScanCounters& counters, std::uint64_t targets_to_send, Nanos cooldown, std::FILE* out)
      : counters_(counters), targets_to_send_(targets_to_send), cooldown_(cooldown), out_(out) {}

  // `elapsed` since the scan started; `sending_ended` once every sender is done.
  void report(Nanos elapsed, std::optional<Nanos> sending_ended);
  // The line report() would print, without the bookkeeping; for tests.
  std::string format(Nanos elapsed, std::optional<Nanos> sending_ended) const;

 private:
  const ScanCounters& counters_;
  std::uint64_t targets_to_send_;
  Nanos cooldown_;
  std::FILE* out_;
  std::uint64_t last_sent_ = 0;
  std::uint64_t last_received_ = 0;
};

}  // namespace fumidai::scanner
