#include "fumidai/db/IngestWriter.h"

#include <fmt/format.h>

namespace fumidai::db {
namespace {

const std::string kLedgerQuery = "SELECT rows FROM ingest_batches WHERE scan_id = $1 AND batch = $2";
const std::string kLedgerInsert =
    "INSERT INTO ingest_batches (scan_id, batch, rows) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";

// Staging tables for the conflict path: shaped like the real ones, private
// to the session, gone at COMMIT or ROLLBACK.
const char* const kCreateStaging[] = {
    "CREATE TEMPORARY TABLE ingest_stage_services (LIKE services INCLUDING DEFAULTS) ON COMMIT DROP",
    "CREATE TEMPORARY TABLE ingest_stage_fingerprints (LIKE fingerprint_matches INCLUDING DEFAULTS) ON COMMIT DROP",
    "CREATE TEMPORARY TABLE ingest_stage_labels (LIKE service_labels INCLUDING DEFAULTS) ON COMMIT DROP"};

// What the staging tables add: the services rows whose key the scan lacks,
// and the fingerprint and label rows of exactly those. Yields the count.
std::string merge_staged() {
  return fmt::format(
      "WITH inserted AS ("
      "  INSERT INTO services ({0}) SELECT {0} FROM ingest_stage_services ON CONFLICT DO NOTHING"
      "  RETURNING ip, port, transport),"
      " fingerprints AS ("
      "  INSERT INTO fingerprint_matches ({1}) SELECT {1} FROM ingest_stage_fingerprints"
      "  WHERE (ip, port, transport) IN (SELECT ip, port, transport FROM inserted) ON CONFLICT DO NOTHING),"
      " labels AS ("
      "  INSERT INTO service_labels ({2}) SELECT {2} FROM ingest_stage_labels"
      "  WHERE (ip, port, transport) IN (SELECT ip, port, transport FROM inserted) ON CONFLICT DO NOTHING)"
      " SELECT count(*) FROM inserted",
      kServicesColumns, kFingerprintMatchesColumns, kServiceLabelsColumns);
}

std::string copy_statement(const char* table, const char* columns) {
  return fmt::format("COPY {} ({}) FROM STDIN", table, columns);
}

}  // namespace

IngestWriter::IngestWriter(std::string conninfo, ScanRef scan, IngestOptions options, Clock& clock)
    : conninfo_(std::move(conninfo)),
      scan_(scan),
      scan_id_(std::to_string(scan.id)),
      options_(std::move(options)),
      clock_(clock) {}

IngestWriter::~IngestWriter() { abandon(); }

Result<> IngestWriter::start() {
  auto connection = PgConnection::open(conninfo_);
  if (!connection) return connection.error();
  connection_ = std::move(*connection);
  thread_ = std::thread([this] { run(); });
  return {};
}

Result<> IngestWriter::push(IngestBatch batch) {
  std::unique_lock lock(mutex_);
  not_full_.wait(lock, [this] { return queue_.size() < options_.queued_batches || error_ || closing_; });
  if (error_) return *error_;
  if (closing_) return make_error("ingest: the writer has stopped");
  queue_.push_back(std::move(batch));
  lock.unlock();
  not_empty_.notify_one();
  return {};
}

Result<> IngestWriter::finish() {
  {
    const std::lock_guard lock(mutex_);
    closing_ = true;
  }
  not_empty_.notify_all();
  if (thread_.joinable()) thread_.join();
  const std::lock_guard lock(mutex_);
  if (error_) return *error_;
  return {};
}

void IngestWriter::abandon() {
  {
    const std::lock_guard lock(mutex_);
    closing_ = true;
    abandoned_ = true;
    queue_.clear();
  }
  not_empty_.notify_all();
  not_full_.notify_all();
  if (thread_.joinable()) thread_.join();
}

IngestReport IngestWriter::report() const {
  const std::lock_guard lock(mutex_);
  return report_;
}

bool IngestWriter::stopping() const {
  const std::lock_guard lock(mutex_);
  return abandoned_;
}

void IngestWriter::run() {
  while (true) {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [this] { return closing_ || !queue_.empty(); });
    if (queue_.empty()) return;
    IngestBatch batch = std::move(queue_.front());
    queue_.pop_front();
    const std::uint64_t sequence = ++pushed_;
    lock.unlock();
    not_full_.notify_one();

    auto outcome = write(batch);
    lock.lock();
    if (!outcome) {
      error_ = outcome.error();
      queue_.clear();
      lock.unlock();
      not_full_.notify_all();
      return;
    }
    outcome->sequence = sequence;
    report_.records += outcome->records;
    report_.rows += outcome->rows;
    report_.duplicates += outcome->duplicates;
    if (outcome->skipped) {
      ++report_.batches_skipped;
    } else {
      ++report_.batches;
    }
    lock.unlock();
    if (options_.after_batch) options_.after_batch(*outcome);
  }
}

Result<BatchOutcome> IngestWriter::write(const IngestBatch& batch) {
  bool commit_sent = false;
  bool staged = false;
  unsigned losses = 0;
  while (true) {
    if (!connection_) {
      if (auto connected = reconnect(); !connected) return connected.error();
    }
    auto done = attempt(batch, staged, commit_sent);
    if (done) return *done;
    const PgFailure& failure = done.error();
    if (failure.connection_lost) {
      connection_.reset();
      if (++losses > options_.max_losses_per_batch) {
        return make_error(fmt::format("ingest: {} lost the database connection {} times; last: {}", batch.span(),
                                      losses, failure.describe()));
      }
      continue;
    }
    if (failure.unique_violation() && !staged) {
      staged = true;
      continue;
    }
    if (failure.refused_data()) return refused(batch, failure);
    return make_error(fmt::format("ingest: writing {}: {}", batch.span(), failure.describe()));
  }
}

PgResult<std::optional<std::size_t>> IngestWriter::ledger_rows(const IngestBatch& batch) {
  auto rows = connection_->query(kLedgerQuery, {scan_id_, std::to_string(batch.id())});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<std::size_t>();
  return std::optional<std::size_t>(std::stoull(rows->front().front().value_or("0")));
}

PgResult<> IngestWriter::copy_batch(const IngestBatch& batch, const char* services, const char* fingerprints,
                                    const char* labels) {
  const CopyRows& rows = batch.rows();
  if (auto r = connection_->copy_in(copy_statement(services, kServicesColumns), rows.services); !r) return r;
  if (rows.fingerprint_rows > 0) {
    auto r = connection_->copy_in(copy_statement(fingerprints, kFingerprintMatchesColumns), rows.fingerprint_matches);
    if (!r) return r;
  }
  if (rows.label_rows > 0) {
    auto r = connection_->copy_in(copy_statement(labels, kServiceLabelsColumns), rows.service_labels);
    if (!r) return r;
  }
  return {};
}

PgResult<BatchOutcome> IngestWriter::attempt(const IngestBatch& batch, bool staged, bool& commit_sent) {
  PgConnection& c = *connection_;
  BatchOutcome outcome;
  outcome.id = batch.id();
  outcome.records = batch.records() + batch.duplicates();
  outcome.staged = staged;
  const auto fail = [&c](PgFailure failure) -> PgResult<BatchOutcome> {
    if (!failure.connection_lost) (void)c.query("ROLLBACK");
    return failure;
  };
  if (auto begun = c.query("BEGIN"); !begun) return fail(begun.error());
  auto ledger = ledger_rows(batch);
  if (!ledger) return fail(ledger.error());
  if (*ledger) {
    if (auto ended = c.query("ROLLBACK"); !ended) return ended.error();
    outcome.skipped = true;
    // Our own COMMIT went through before the connection broke: its rows are ours.
    outcome.rows = commit_sent ? **ledger : 0;
    outcome.duplicates = outcome.records - outcome.rows;
    return outcome;
  }
  if (!staged) {
    if (auto copied = copy_batch(batch, "services", "fingerprint_matches", "service_labels"); !copied)
      return fail(copied.error());
    outcome.rows = batch.records();
  } else {
    for (const char* create : kCreateStaging) {
      if (auto made = c.query(create); !made) return fail(made.error());
    }
    auto copied = copy_batch(batch, "ingest_stage_services", "ingest_stage_fingerprints",
                             "ingest_stage_labels");
    if (!copied) return fail(copied.error());
    auto merged = c.query(merge_staged());
    if (!merged) return fail(merged.error());
    outcome.rows = std::stoull(merged->front().front().value_or("0"));
  }
  outcome.duplicates = outcome.records - outcome.rows;
  auto recorded = c.query(kLedgerInsert, {scan_id_, std::to_string(outcome.id), std::to_string(outcome.rows)});
  if (!recorded) return fail(recorded.error());
  commit_sent = true;
  if (auto committed = c.query("COMMIT"); !committed) return committed.error();
  return outcome;
}

Result<> IngestWriter::reconnect() {
  Nanos delay = options_.reconnect_delay;
  std::string last;
  for (unsigned attempt = 1; attempt <= options_.reconnect_attempts; ++attempt) {
    if (stopping()) return make_error("ingest: stopped while reconnecting");
    auto connection = PgConnection::open(conninfo_);
    if (connection) {
      connection_ = std::move(*connection);
      const std::lock_guard lock(mutex_);
      ++report_.reconnects;
      return {};
    }
    last = connection.error().message;
    clock_.sleep_until(clock_.now() + delay);
    delay = std::min(delay * 2, options_.reconnect_max_delay);
  }
  return make_error(fmt::format("ingest: lost the database connection and {} attempts to reconnect failed: {}",
                                options_.reconnect_attempts, last));
}

Error IngestWriter::refused(const IngestBatch& batch, const PgFailure& failure) const {
  std::string where = batch.span();
  if (const auto line = failure.copy_line(); line && *line > 0) {
    const std::size_t row = *line - 1;
    // "COPY fingerprint_matches, line 3" or the staging table's name.
    if (failure.context.find("fingerprint") != std::string::npos) {
      where = batch.where_fingerprint(row);
    } else if (failure.context.find("label") != std::string::npos) {
      where = batch.where_label(row);
    } else {
      where = batch.where_service(row);
    }
  }
  return make_input_error(fmt::format("{}: the database refused the record: {}", where, failure.describe()));
}

}  // namespace fumidai::db
