#pragma once
// A running scan's records into PostgreSQL (`scan --db`): stage 2's JSONL
// lines as a RecordSink, or stage 1's results through add(), by way of
// db::ScanIngest (batched COPY behind a bounded queue: when the database
// falls behind, the caller blocks — backpressure).
// The database never stops the scan: after its first failure (a server that
// stayed away past the reconnect attempts, a record it refused) the sink
// stops feeding it and finish() returns that error, while -o still gets
// every record, so `fumidai ingest FILE --scan-id UID` can complete the scan.
// Contract: one thread at a time (RecordWriter's lock, or stage 1's
// receiver); the Clock is borrowed.
#include <boost/json/object.hpp>
#include <memory>
#include <optional>
#include <string>

#include "RecordSink.h"
#include "fumidai/core/Clock.h"
#include "fumidai/db/IngestReport.h"
#include "fumidai/db/ScanIngest.h"
#include "fumidai/db/ScanMetadata.h"
#include "fumidai/scanner/output/ScanResult.h"

namespace fumidai::cli {

class DatabaseSink final : public RecordSink {
 public:
  // Resolves the database (db::locate_database) and opens the scan in it.
  static Result<std::unique_ptr<DatabaseSink>> open(const std::optional<std::string>& url, db::ScanMetadata metadata,
                                                    Clock& clock);

  void write(std::string_view line) override;
  void add(const scanner::ScanResult& result);

  // Writes the rest and marks the scan finished with what the end knows.
  Result<db::IngestReport> finish(const db::ScanMetadata& final_metadata);
  db::IngestReport report() const { return ingest_->report(); }
  const db::ScanMetadata& metadata() const { return ingest_->metadata(); }

 private:
  explicit DatabaseSink(std::unique_ptr<db::ScanIngest> ingest) : ingest_(std::move(ingest)) {}
  void take(const Result<>& added);

  std::unique_ptr<db::ScanIngest> ingest_;
  std::optional<Error> error_;
  std::uint64_t lines_ = 0;  // numbers stage 2's records for messages
};

// Stage 1's JSONL record for a result, as scan-record.v1.schema.json has it.
boost::json::object scan_record(const scanner::ScanResult& result);

}  // namespace fumidai::cli
