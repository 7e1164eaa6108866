#pragma once
// Records to an OutputFile (-o), which is borrowed; its errors come from close().
#include "RecordSink.h"
#include "fumidai/scanner/output/OutputFile.h"

namespace fumidai::cli {

class FileRecordSink final : public RecordSink {
 public:
  explicit FileRecordSink(scanner::OutputFile& file) : file_(file) {}
  void write(std::string_view line) override { file_.write(line); }

 private:
  scanner::OutputFile& file_;
};

}  // namespace fumidai::cli
