#pragma once
// api::AuditSink that never makes a request wait on the database: record()
// appends to a bounded queue (10,000 entries by default) and returns; one
// writer thread takes batches in order and hands them to a batch writer
// (in production db::AuditLogWriter: one COPY per batch, to_database()).
// When the queue is full an entry is dropped and counted (dropped(), and the
// on_drop callback, for the server's metrics): losing an audit line is
// better than stalling or growing without bound while PostgreSQL is away.
// A batch that fails to write is kept and tried again, waiting 250 ms
// doubling to 8 s (the writer reconnects on the next try); meanwhile new
// entries queue up to the bound. A batch the server refuses as data cannot
// succeed and is dropped (counted). stop() (or the destructor) writes what
// is queued, trying for at most shutdown_budget against a failing database.
// Memory: at most capacity + max_batch entries.
// Contract: record() is thread-safe and non-blocking (a short lock); the
// writer thread is the only place that blocks; on_drop is called from
// record()'s caller or the writer thread and must be cheap and thread-safe.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "fumidai/api/AccessControl.h"

namespace fumidai::api {

struct AuditLogOptions {
  std::size_t capacity = 10000;  // entries waiting, beyond the batch being written
  std::size_t max_batch = 1000;
  std::chrono::milliseconds retry_first{250};
  std::chrono::milliseconds retry_max{8000};
  std::chrono::milliseconds shutdown_budget{5000};
};

// Writes a batch in order, whole or not at all. An invalid_input Error means
// retrying cannot help; any other Error that it may.
using AuditBatchWriter = std::function<Result<>(const std::vector<AuditEntry>&)>;
using AuditDropCounter = std::function<void(std::uint64_t dropped)>;

class AuditLog final : public AuditSink {
 public:
  AuditLog(AuditBatchWriter writer, AuditLogOptions options = {}, AuditDropCounter on_drop = {});
  // Into audit_log over a connection of its own (db::AuditLogWriter).
  static std::unique_ptr<AuditLog> to_database(std::string conninfo, AuditLogOptions options = {},
                                               AuditDropCounter on_drop = {});
  ~AuditLog() override;
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  void record(AuditEntry entry) override;
  // Writes what is queued (bounded by shutdown_budget), then ends the
  // thread; later entries are dropped. Idempotent.
  void stop();

  std::uint64_t dropped() const { return dropped_.load(); }
  std::uint64_t written() const { return written_.load(); }
  std::uint64_t write_failures() const { return write_failures_.load(); }  // failed tries, retried or not
  std::size_t queued() const;

 private:
  void run();
  void drop(std::uint64_t count);

  AuditBatchWriter writer_;
  const AuditLogOptions options_;
  AuditDropCounter on_drop_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<AuditEntry> queue_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> written_{0};
  std::atomic<std::uint64_t> write_failures_{0};
  std::thread thread_;  // last: starts once everything above is built
};

}  // namespace fumidai::api
