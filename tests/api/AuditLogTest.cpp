#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "fumidai/api/audit/AuditLog.h"

namespace fumidai::api {
namespace {

using namespace std::chrono_literals;

AuditEntry entry(int n) {
  AuditEntry e;
  e.wall_time_ns = n;
  e.method = "GET";
  e.target = "/v1/scans?n=" + std::to_string(n);
  e.status = 200;
  return e;
}

// A batch writer that keeps what it is given, and can be told to fail or to
// hold the writer thread until released.
struct FakeWriter {
  std::mutex mutex;
  std::condition_variable released;
  bool hold = false;
  int failures_left = 0;
  Error::Kind failure_kind = Error::Kind::failure;
  std::vector<std::int64_t> written;
  std::vector<std::size_t> batch_sizes;

  AuditBatchWriter writer() {
    return [this](const std::vector<AuditEntry>& batch) -> Result<> {
      std::unique_lock lock(mutex);
      released.wait(lock, [&] { return !hold; });
      if (failures_left > 0) {
        --failures_left;
        return Error(failure_kind, "no database");
      }
      for (const auto& e : batch) written.push_back(e.wall_time_ns);
      batch_sizes.push_back(batch.size());
      return {};
    };
  }
  void set_hold(bool h) {
    {
      std::lock_guard lock(mutex);
      hold = h;
    }
    released.notify_all();
  }
};

AuditLogOptions fast(std::size_t capacity = 10000, std::size_t max_batch = 1000) {
  AuditLogOptions o;
  o.capacity = capacity;
  o.max_batch = max_batch;
  o.retry_first = 1ms;
  o.retry_max = 4ms;
  o.shutdown_budget = 200ms;
  return o;
}

TEST(AuditLog, WritesEveryEntryInOrderAndFlushesOnStop) {
  FakeWriter fake;
  AuditLog log(fake.writer(), fast(10000, 7));
  for (int i = 0; i < 1000; ++i) log.record(entry(i));
  log.stop();
  ASSERT_EQ(fake.written.size(), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(fake.written[i], i);
  for (auto size : fake.batch_sizes) EXPECT_LE(size, 7u);
  EXPECT_EQ(log.written(), 1000u);
  EXPECT_EQ(log.dropped(), 0u);
}

TEST(AuditLog, AFullQueueDropsAndCountsWithoutBlocking) {
  FakeWriter fake;
  fake.set_hold(true);  // the database is stuck
  std::atomic<std::uint64_t> counted{0};
  AuditLog log(fake.writer(), fast(10, 5), [&](std::uint64_t n) { counted += n; });
  log.record(entry(0));
  // The writer thread takes entry 0 and hangs in the writer; wait for that
  // so exactly 10 more fit.
  while (log.queued() != 0) std::this_thread::yield();
  for (int i = 1; i <= 25; ++i) log.record(entry(i));
  EXPECT_EQ(log.queued(), 10u);
  EXPECT_EQ(log.dropped(), 15u);
  EXPECT_EQ(counted.load(), 15u);
  fake.set_hold(false);
  log.stop();
  EXPECT_EQ(fake.written, (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  log.record(entry(99));
  EXPECT_EQ(log.dropped(), 16u) << "after stop, entries are dropped";
}

TEST(AuditLog, AFailedBatchIsRetriedNotLost) {
  FakeWriter fake;
  fake.failures_left = 3;
  AuditLog log(fake.writer(), fast());
  for (int i = 0; i < 50; ++i) log.record(entry(i));
  log.stop();
  ASSERT_EQ(fake.written.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(fake.written[i], i);
  EXPECT_EQ(log.write_failures(), 3u);
  EXPECT_EQ(log.dropped(), 0u);
}

TEST(AuditLog, RefusedDataIsDroppedNotRetried) {
  FakeWriter fake;
  fake.failures_left = 1;
  fake.failure_kind = Error::Kind::invalid_input;
  fake.set_hold(true);
  AuditLog log(fake.writer(), fast(100, 2));
  log.record(entry(0));
  // Let the writer thread take entry 0 alone, so the refused batch is known.
  while (log.queued() != 0) std::this_thread::yield();
  for (int i = 1; i < 4; ++i) log.record(entry(i));
  fake.set_hold(false);
  log.stop();
  EXPECT_EQ(log.dropped(), 1u);
  EXPECT_EQ(fake.written, (std::vector<std::int64_t>{1, 2, 3}));
}

TEST(AuditLog, StopGivesUpOnADeadDatabaseWithinItsBudget) {
  FakeWriter fake;
  fake.failures_left = 1000000;
  AuditLog log(fake.writer(), fast());
  for (int i = 0; i < 20; ++i) log.record(entry(i));
  log.stop();  // returns: the budget is 200 ms
  EXPECT_EQ(log.dropped(), 20u);
  EXPECT_TRUE(fake.written.empty());
}

}  // namespace
}  // namespace fumidai::api
