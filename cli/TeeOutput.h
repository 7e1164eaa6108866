#pragma once
// Stage 1's results to the -o output module and to the database (`scan
// --db` without --grab). The module is owned, the sink borrowed; finish()
// finishes the module only: the sink ends once the scan's summary is known.
#include <memory>

#include "DatabaseSink.h"
#include "fumidai/scanner/output/OutputModule.h"

namespace fumidai::cli {

class TeeOutput final : public scanner::OutputModule {
 public:
  TeeOutput(std::unique_ptr<scanner::OutputModule> output, DatabaseSink& database)
      : output_(std::move(output)), database_(database) {}
  void write(const scanner::ScanResult& result) override {
    output_->write(result);
    database_.add(result);
  }
  Result<> finish() override { return output_->finish(); }

 private:
  std::unique_ptr<scanner::OutputModule> output_;
  DatabaseSink& database_;
};

}  // namespace fumidai::cli
