#pragma once
#include "fumidai/scanner/output/OutputFile.h"
#include "fumidai/scanner/output/OutputModule.h"

namespace fumidai::scanner {

// The JSONL columns as CSV, with a header line; a UDP reply's protocol and
// description are in the JSONL output only.
class CsvOutput final : public OutputModule {
 public:
  explicit CsvOutput(OutputFile file);
  void write(const ScanResult& result) override;
  Result<> finish() override { return file_.close(); }

 private:
  OutputFile file_;
};

}  // namespace fumidai::scanner
