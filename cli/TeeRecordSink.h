#pragma once
// Every record to each of several sinks, in order; the sinks are borrowed.
#include <vector>

#include "RecordSink.h"

namespace fumidai::cli {

class TeeRecordSink final : public RecordSink {
 public:
  explicit TeeRecordSink(std::vector<RecordSink*> sinks) : sinks_(std::move(sinks)) {}
  void write(std::string_view line) override {
    for (RecordSink* sink : sinks_) sink->write(line);
  }

 private:
  std::vector<RecordSink*> sinks_;
};

}  // namespace fumidai::cli
