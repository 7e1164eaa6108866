#pragma once
// The lab's open ports: one listening socket per port on 0.0.0.0, so the
// kernel of the inet namespace completes handshakes (SYN-ACK) for every live
// address the nft ruleset lets through. Connections are accepted and closed at
// once; draining the accept queue keeps the kernel answering new SYNs.
// Contract: owns its sockets; single thread; run() returns on SIGTERM/SIGINT.
#include <cstdint>
#include <vector>

#include "fumidai/core/Error.h"

namespace fumidai::lab {

class LabListener {
 public:
  // Blocks SIGTERM and SIGINT (they are read from a signalfd in run()), then
  // binds every port. Needs the process to be single-threaded.
  static Result<LabListener> open(const std::vector<std::uint16_t>& ports);

  LabListener(LabListener&& other) noexcept;
  LabListener& operator=(LabListener&&) = delete;
  LabListener(const LabListener&) = delete;
  LabListener& operator=(const LabListener&) = delete;
  ~LabListener();

  // Accepts and closes connections until SIGTERM or SIGINT arrives.
  Result<> run();

 private:
  LabListener() = default;

  int signal_fd_ = -1;
  std::vector<int> sockets_;
};

}  // namespace fumidai::lab
