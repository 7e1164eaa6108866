#pragma once
// Stage 1 into stage 2 in one process (scan --grab): an OutputModule that
// hands each open port, TCP or UDP, to the grab engines' queues. push()
// blocks when the queue is full; the scanner's senders watch the queue's
// high-water mark (ScanConfig::hold_sending) so that rarely happens.
// Contract: write() from the scanner's receive thread; finish() closes the
// queue so the engine drains it and ends. Borrows the queue.
#include "fumidai/scanner/grab/TargetRouter.h"
#include "fumidai/scanner/output/OutputModule.h"

namespace fumidai::scanner {

class OpenPortFeed final : public OutputModule {
 public:
  explicit OpenPortFeed(TargetRouter& queue) : queue_(queue) {}
  void write(const ScanResult& result) override {
    if (result.status == ScanResult::Status::open) queue_.push(GrabTarget{result.ip, result.port, result.transport});
  }
  Result<> finish() override {
    queue_.close();
    return {};
  }

 private:
  TargetRouter& queue_;
};

}  // namespace fumidai::scanner
