#pragma once
// One scan's records into PostgreSQL: the scans row (created or found by
// uid), the attribution in force at its start, a RowEncoder, batches cut at
// options.batch_rows records or options.batch_bytes bytes, and an IngestWriter
// writing them behind a bounded queue. `fumidai ingest` feeds it file lines,
// `fumidai scan --db` the records the scan writes.
//
// A failed ingest (a bad record, a server that stayed away) is left as it
// stands: the batches already committed stay (after a bad record, every batch
// cut before it: stop()), the scan is not marked finished, and running the
// same ingest again (same uid) completes it — the ledger skips what is in,
// the rest goes in once.
//
// Contract: one producer thread. open() returns it ready; finish(), stop()
// or abandon() ends it (the destructor abandons). The Clock is borrowed.
#include <boost/json/object.hpp>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "fumidai/core/Clock.h"
#include "fumidai/core/Error.h"
#include "fumidai/db/AttributionSnapshot.h"
#include "fumidai/db/IngestBatch.h"
#include "fumidai/db/IngestReport.h"
#include "fumidai/db/IngestWriter.h"
#include "fumidai/db/RowEncoder.h"
#include "fumidai/db/ScanMetadata.h"

namespace fumidai::db {

class ScanIngest {
 public:
  // Connects and checks the schema (db::open_current), finds the scan by
  // metadata.uid or creates it, loads the attribution as of its start and
  // starts the writer. Nothing is written on error.
  static Result<std::unique_ptr<ScanIngest>> open(const std::string& conninfo, ScanMetadata metadata,
                                                  IngestOptions options, Clock& clock);
  ~ScanIngest();
  ScanIngest(const ScanIngest&) = delete;
  ScanIngest& operator=(const ScanIngest&) = delete;

  // Names the lines that follow (a file), for messages; ends the batch so far.
  Result<> begin_source(std::string name);
  // One record line, numbered within its source. Blank lines are skipped. A
  // bad record is an input error "SOURCE:LINE: why" and adds nothing; the
  // caller stops, or counts it with count_bad_line() and goes on.
  Result<> add_line(std::string_view line, std::uint64_t line_number);
  // A record as an object (scan --db's stage 1), numbered in order.
  Result<> add_record(const boost::json::object& record);
  void count_bad_line() { ++bad_lines_; }

  // Writes the rest, waits for the writer, then marks the scan finished
  // (finish_scan). `final_metadata` changes what the end knows (the summary,
  // seed, end time); the uid, name and start stay.
  Result<IngestReport> finish(const ScanMetadata* final_metadata = nullptr);
  // After a bad record: writes the complete batches already cut, not the one
  // the bad record was to join, and leaves the scan unfinished.
  Result<> stop();
  // Stops after the batch in flight, dropping what is queued; the scan stays
  // unfinished.
  void abandon();

  IngestReport report() const;
  std::int64_t scan_id() const { return scan_.id; }
  const ScanMetadata& metadata() const { return metadata_; }
  bool existed() const { return existed_; }  // the uid named a scan already in the database

 private:
  ScanIngest(std::string conninfo, ScanMetadata metadata, ScanRef scan, bool existed, AttributionSnapshot attribution,
             IngestOptions options, Clock& clock);
  Result<> added(const Result<EncodedRecord>& encoded);
  Result<> flush();

  const std::string conninfo_;
  ScanMetadata metadata_;
  const ScanRef scan_;
  const bool existed_;
  const AttributionSnapshot attribution_;
  const IngestOptions options_;
  Clock& clock_;
  RowEncoder encoder_;
  IngestWriter writer_;
  std::shared_ptr<const std::string> source_;
  IngestBatch batch_;
  std::uint64_t record_number_ = 0;  // add_record's numbering
  std::uint64_t bad_lines_ = 0;
  std::set<std::uint16_t> tcp_ports_seen_;
  std::set<std::uint16_t> udp_ports_seen_;
  std::optional<UtcMicros> last_seen_;
  bool ended_ = false;
  const Nanos opened_;
  double seconds_ = 0;
  double finalize_seconds_ = 0;
};

}  // namespace fumidai::db
