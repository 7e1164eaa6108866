// AuditLogWriter against a real PostgreSQL: order, awkward text, reconnects.
#include <gtest/gtest.h>

#include <thread>

#include "TestDatabase.h"
#include "fumidai/api/audit/AuditLog.h"
#include "fumidai/db/AuditLogWriter.h"

namespace fumidai::db {
namespace {

using test::TestDatabase;

AuditRecord record(int n) {
  AuditRecord r;
  r.wall_time_ns = 1767225600000000000 + static_cast<std::int64_t>(n) * 1000;  // 2026-01-01 plus n µs
  if (n % 2 == 0) r.key_id = n;
  r.key_name = n % 2 == 0 ? "key" + std::to_string(n) : "";
  r.method = "GET";
  r.target = "/v1/exposures?asn=" + std::to_string(n);
  r.route = "exposures.list";
  r.status = 200 + n % 300;
  r.bytes = static_cast<std::uint64_t>(n) * 10;
  r.duration_us = n;
  r.remote = "127.0.0.1:4242";
  r.request_id = "req-" + std::to_string(n);
  return r;
}

TEST(AuditLogWriter, EntriesLandInOrder) {
  TestDatabase database;
  AuditLogWriter writer(database.conninfo());
  for (int batch = 0; batch < 3; ++batch) {
    std::vector<AuditRecord> records;
    for (int i = 0; i < 100; ++i) records.push_back(record(batch * 100 + i));
    auto written = writer.write(records);
    ASSERT_TRUE(written) << written.error().message;
  }
  EXPECT_EQ(database.scalar<long>("SELECT count(*) FROM audit_log"), 300);
  // ids follow the order written, and so do the times and targets.
  EXPECT_EQ(database.scalar<long>("SELECT count(*) FROM (SELECT id, row_number() OVER (ORDER BY at) AS n, "
                                  "duration_us FROM audit_log) x WHERE duration_us <> n - 1"),
            0);
  EXPECT_EQ(database.scalar<std::string>(
                "SELECT concat_ws('|', at AT TIME ZONE 'UTC', key_id, key_name, method, target, route, status, bytes, "
                "duration_us, remote, request_id) FROM audit_log ORDER BY id LIMIT 1 OFFSET 2"),
            "2026-01-01 00:00:00.000002|2|key2|GET|/v1/exposures?asn=2|exposures.list|202|20|2|127.0.0.1:4242|req-2");
  EXPECT_EQ(database.scalar<long>("SELECT count(*) FROM audit_log WHERE key_id IS NULL"), 150);
}

TEST(AuditLogWriter, NetworkTextIsStoredAsData) {
  TestDatabase database;
  AuditLogWriter writer(database.conninfo());
  AuditRecord r = record(1);
  static constexpr char kTarget[] = "/v1/hosts/'); DROP TABLE audit_log; --\t\n\\N\0\xff\xc3(";
  r.target = std::string(kTarget, sizeof kTarget - 1);
  r.method = "G\xe9T";
  r.remote = std::string(AuditLogWriter::kMaxFieldBytes + 100, 'r');
  auto written = writer.write({r});
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(database.scalar<std::string>("SELECT target FROM audit_log"),
            "/v1/hosts/'); DROP TABLE audit_log; --\t\n\\N\\x00\\xff\\xc3(");
  EXPECT_EQ(database.scalar<std::string>("SELECT method FROM audit_log"), "G\\xe9T");
  EXPECT_EQ(database.scalar<long>("SELECT length(remote) FROM audit_log"),
            static_cast<long>(AuditLogWriter::kMaxFieldBytes));
}

TEST(AuditLogWriter, ReconnectsAfterALostConnection) {
  TestDatabase database;
  AuditLogWriter writer(database.conninfo());
  ASSERT_TRUE(writer.write({record(0)}));
  ASSERT_TRUE(writer.connected());
  database.exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
      "AND pid <> pg_backend_pid()");
  auto lost = writer.write({record(1)});
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().kind, Error::Kind::failure);
  EXPECT_FALSE(writer.connected());
  auto again = writer.write({record(1)});
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(database.scalar<long>("SELECT count(*) FROM audit_log"), 2);
}

TEST(AuditLogWriter, AnUnreachableServerIsAFailureToRetry) {
  AuditLogWriter writer("host=/nonexistent/socket/dir dbname=x connect_timeout=2");
  auto written = writer.write({record(0)});
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().kind, Error::Kind::failure);
}

// The API's AuditLog over this writer: a server restart's worth of lost
// connection loses and reorders nothing.
TEST(AuditLogWriter, TheApisAuditLogWritesInOrderThroughALostConnection) {
  TestDatabase database;
  api::AuditLogOptions options;
  options.max_batch = 50;
  options.retry_first = std::chrono::milliseconds(10);
  options.retry_max = std::chrono::milliseconds(100);
  auto log = api::AuditLog::to_database(database.conninfo(), options);
  const auto entry = [](int n) {
    api::AuditEntry e;
    e.wall_time_ns = 1767225600000000000 + static_cast<std::int64_t>(n) * 1000;
    e.method = "GET";
    e.target = "/v1/scans";
    e.status = 200;
    e.duration_us = n;
    return e;
  };
  for (int i = 0; i < 500; ++i) log->record(entry(i));
  while (log->written() < 500) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  database.exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
      "AND pid <> pg_backend_pid()");
  for (int i = 500; i < 1000; ++i) log->record(entry(i));
  log->stop();
  EXPECT_EQ(log->written(), 1000u);
  EXPECT_EQ(log->dropped(), 0u);
  EXPECT_GE(log->write_failures(), 1u);
  EXPECT_EQ(database.scalar<long>("SELECT count(*) FROM audit_log"), 1000);
  EXPECT_EQ(database.scalar<long>("SELECT count(*) FROM (SELECT duration_us, row_number() OVER (ORDER BY id) AS n "
                                  "FROM audit_log) x WHERE duration_us <> n - 1"),
            0);
}

}  // namespace
}  // namespace fumidai::db
