#pragma once
// Writes IngestBatches to PostgreSQL on its own thread, each in ONE
// transaction:
//   1. the ledger (ingest_batches) already holds (scan, batch id): skip it —
//      an earlier run wrote these records, or this run did and the
//      connection broke before COMMIT's answer came back;
//   2. COPY the services, fingerprint_matches and service_labels rows;
//   3. record the batch in the ledger; COMMIT.
// A unique violation in step 2 (records the scan already has, from another
// batch or a re-run with other batching) redoes the batch through temporary
// staging tables with INSERT ... ON CONFLICT DO NOTHING, which keeps what the
// scan already had and counts the rest as duplicates; the fingerprint and
// label rows go in only with their own services row.
// A broken connection (the server restarted, the socket died) keeps the
// batch, reconnects with doubling waits on the injected Clock (bounded), and
// starts the batch over at step 1; reconnects are counted. Rows the server
// refuses as data are an input error naming the record's file and line; any
// other failure ends the writer, and both are returned by push() and finish().
//
// Contract: push() and finish() from one producer thread. push() blocks while
// `queued_batches` wait (backpressure). finish() writes what is queued and
// joins; abandon() drops it, joins after the batch in flight; the destructor
// abandons. The Clock is borrowed and must outlive the writer.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "fumidai/core/Clock.h"
#include "fumidai/core/Error.h"
#include "fumidai/db/IngestBatch.h"
#include "fumidai/db/IngestReport.h"
#include "fumidai/db/PgConnection.h"
#include "fumidai/db/RowEncoder.h"

namespace fumidai::db {

struct BatchOutcome {
  std::uint64_t sequence = 0;  // 1-based, in push order
  std::int64_t id = 0;
  std::size_t records = 0;
  std::size_t rows = 0;        // services rows this batch wrote
  std::size_t duplicates = 0;  // records already in the scan (or twice in the batch)
  bool skipped = false;        // the ledger already held it
  bool staged = false;         // went through the staging tables
};

struct IngestOptions {
  std::size_t batch_rows = 10'000;
  std::size_t batch_bytes = 32u << 20;  // a batch ends at whichever comes first
  std::size_t queued_batches = 3;       // waiting for the writer; memory ≈ (this + 2) × batch_bytes
  unsigned reconnect_attempts = 10;     // per outage: ~40 s with the waits below
  Nanos reconnect_delay = std::chrono::milliseconds(250);  // the wait after a failed attempt, doubled up to
  Nanos reconnect_max_delay = std::chrono::seconds(8);
  unsigned max_losses_per_batch = 5;  // a batch that keeps breaking the connection is an error
  // Called on the writer thread once each batch is settled (tests restart
  // the server here).
  std::function<void(const BatchOutcome&)> after_batch;
};

class IngestWriter {
 public:
  IngestWriter(std::string conninfo, ScanRef scan, IngestOptions options, Clock& clock);
  ~IngestWriter();
  IngestWriter(const IngestWriter&) = delete;
  IngestWriter& operator=(const IngestWriter&) = delete;

  // Connects (an unreachable server is an error before anything is queued)
  // and starts the thread.
  Result<> start();
  Result<> push(IngestBatch batch);
  Result<> finish();
  void abandon();
  IngestReport report() const;

 private:
  void run();
  Result<BatchOutcome> write(const IngestBatch& batch);
  PgResult<BatchOutcome> attempt(const IngestBatch& batch, bool staged, bool& commit_sent);
  PgResult<std::optional<std::size_t>> ledger_rows(const IngestBatch& batch);
  PgResult<> copy_batch(const IngestBatch& batch, const char* services, const char* fingerprints,
                        const char* labels);
  Result<> reconnect();
  Error refused(const IngestBatch& batch, const PgFailure& failure) const;
  bool stopping() const;

  const std::string conninfo_;
  const ScanRef scan_;
  const std::string scan_id_;
  const IngestOptions options_;
  Clock& clock_;
  std::optional<PgConnection> connection_;  // the writer thread's only, once started

  mutable std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<IngestBatch> queue_;
  bool closing_ = false;
  bool abandoned_ = false;
  std::optional<Error> error_;
  IngestReport report_;
  std::uint64_t pushed_ = 0;
  std::thread thread_;
};

}  // namespace fumidai::db
