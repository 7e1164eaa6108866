#pragma once
#include "fumidai/scanner/output/OutputFile.h"
#include "fumidai/scanner/output/OutputModule.h"

namespace fumidai::scanner {

// {"ip":"198.18.3.4","port":80,"transport":"tcp","status":"open","ttl":64,"ts":"…"} per line; an
// open UDP port adds "protocol" and "data" (the payload's description of the
// reply). scanner/data/scan-record.v1.schema.json describes the records.
class JsonlOutput final : public OutputModule {
 public:
  explicit JsonlOutput(OutputFile file) : file_(std::move(file)) {}
  void write(const ScanResult& result) override;
  Result<> finish() override { return file_.close(); }

 private:
  OutputFile file_;
};

}  // namespace fumidai::scanner
