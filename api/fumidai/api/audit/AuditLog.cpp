#include "fumidai/api/audit/AuditLog.h"

#include <algorithm>

#include "fumidai/db/AuditLogWriter.h"

namespace fumidai::api {

AuditLog::AuditLog(AuditBatchWriter writer, AuditLogOptions options, AuditDropCounter on_drop)
    : writer_(std::move(writer)), options_(options), on_drop_(std::move(on_drop)), thread_([this] { run(); }) {}

std::unique_ptr<AuditLog> AuditLog::to_database(std::string conninfo, AuditLogOptions options,
                                                AuditDropCounter on_drop) {
  // Used by the writer thread only, as AuditLogWriter requires.
  auto database = std::make_shared<db::AuditLogWriter>(std::move(conninfo));
  auto write = [database,
                records = std::vector<db::AuditRecord>()](const std::vector<AuditEntry>& entries) mutable -> Result<> {
    records.clear();
    for (const auto& e : entries) {
      records.push_back(db::AuditRecord{e.wall_time_ns, e.key_id, e.key_name, e.method, e.target, e.route, e.status,
                                        e.bytes, e.duration_us, e.remote, e.request_id});
    }
    return database->write(records);
  };
  return std::make_unique<AuditLog>(std::move(write), options, std::move(on_drop));
}

AuditLog::~AuditLog() { stop(); }

void AuditLog::record(AuditEntry entry) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && queue_.size() < options_.capacity) {
      queue_.push_back(std::move(entry));
      wake_.notify_one();
      return;
    }
  }
  drop(1);
}

void AuditLog::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::size_t AuditLog::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void AuditLog::drop(std::uint64_t count) {
  if (count == 0) return;
  dropped_ += count;
  if (on_drop_) on_drop_(count);
}

void AuditLog::run() {
  std::vector<AuditEntry> batch;
  auto backoff = options_.retry_first;
  std::optional<std::chrono::steady_clock::time_point> give_up;  // set once stopping
  std::unique_lock lock(mutex_);
  for (;;) {
    if (batch.empty()) {
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and all written
      const std::size_t n = std::min(options_.max_batch == 0 ? 1 : options_.max_batch, queue_.size());
      batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.begin() + n));
      queue_.erase(queue_.begin(), queue_.begin() + n);
    }
    lock.unlock();
    auto result = writer_(batch);
    lock.lock();
    if (result) {
      written_ += batch.size();
      batch.clear();
      backoff = options_.retry_first;
      continue;
    }
    ++write_failures_;
    if (result.error().kind == Error::Kind::invalid_input) {
      drop(batch.size());
      batch.clear();
      continue;
    }
    // The database is away: wait, then try the same batch again, until the
    // shutdown budget (if stopping) runs out.
    const auto now = std::chrono::steady_clock::now();
    if (stopping_ && !give_up) give_up = now + options_.shutdown_budget;
    if (give_up && now >= *give_up) {
      drop(batch.size() + queue_.size());
      batch.clear();
      queue_.clear();
      return;
    }
    auto until = now + backoff;
    if (give_up) until = std::min(until, *give_up);
    // Woken early only by stop(), which starts the shutdown budget.
    wake_.wait_until(lock, until, [&] { return stopping_ && !give_up; });
    backoff = std::min(backoff * 2, options_.retry_max);
  }
}

}  // namespace fumidai::api
