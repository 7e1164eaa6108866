#pragma once
// Where stage 2's records go, as JSONL lines: the -o file, the database, or
// both (TeeRecordSink). RecordWriter writes each record to one sink.
// Contract: write() is called by one thread at a time (RecordWriter holds a
// lock around it); `line` ends with '\n' and lives only for the call.
#include <string_view>

namespace fumidai::cli {

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void write(std::string_view line) = 0;
};

}  // namespace fumidai::cli
