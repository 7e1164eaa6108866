#pragma once
// Where results go, one format per module (as ZMap's output modules).
// Contract: called from a single thread (the receiver); write() may buffer;
// finish() flushes and reports the first I/O error, if any.
#include <memory>
#include <string>
#include <string_view>

#include "fumidai/core/Error.h"
#include "fumidai/scanner/output/ScanResult.h"

namespace fumidai::scanner {

class OutputModule {
 public:
  virtual ~OutputModule() = default;
  virtual void write(const ScanResult& result) = 0;
  virtual Result<> finish() = 0;
};

// `format` is "jsonl" or "csv"; `path` "-" means standard output.
Result<std::unique_ptr<OutputModule>> make_output_module(std::string_view format, const std::string& path);
// ISO 8601 UTC with milliseconds: 2026-11-26T22:47:53.123Z
std::string format_timestamp(std::int64_t unix_ns);

}  // namespace fumidai::scanner
