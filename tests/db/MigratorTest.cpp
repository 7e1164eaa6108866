// Migrations against the real PostgreSQL the db_cluster fixture runs.
#include "fumidai/db/Migrator.h"

#include <gtest/gtest.h>

#include "TestDatabase.h"

namespace fumidai::db {
namespace {

using test::TestDatabase;

TEST(Migrator, AppliesFromEmptyThenIsIdempotent) {
  TestDatabase database(TestDatabase::Schema::empty);
  auto session = database.session();
  auto version = schema_version(session);
  ASSERT_TRUE(version);
  EXPECT_EQ(*version, 0);
  EXPECT_FALSE(require_current_schema(session));

  auto first = migrate(session);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->from_version, 0);
  EXPECT_EQ(first->to_version, latest_schema_version());
  EXPECT_EQ(first->applied.size(), builtin_migrations().size());

  auto second = migrate(session);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_TRUE(second->applied.empty());
  EXPECT_EQ(second->from_version, latest_schema_version());
  EXPECT_TRUE(require_current_schema(session));
  EXPECT_EQ(database.scalar<int>("SELECT count(*) FROM schema_migrations"),
            static_cast<int>(builtin_migrations().size()));
}

TEST(Migrator, RefusesADatabaseNewerThanTheBinary) {
  TestDatabase database;
  database.exec("INSERT INTO schema_migrations (version, name, sha256) VALUES (9999, '9999_future.sql', 'x')");
  auto session = database.session();
  auto current = require_current_schema(session);
  ASSERT_FALSE(current);
  EXPECT_NE(current.error().message.find("newer than this binary"), std::string::npos) << current.error().message;
  auto migrated = migrate(session);
  ASSERT_FALSE(migrated);
  EXPECT_NE(migrated.error().message.find("upgrade fumidai"), std::string::npos);
  EXPECT_FALSE(open_current(database.conninfo()));
}

TEST(Migrator, RefusesAnAppliedMigrationThatChanged) {
  TestDatabase database;
  database.exec("UPDATE schema_migrations SET sha256 = 'edited' WHERE version = 1");
  auto session = database.session();
  auto migrated = migrate(session);
  ASSERT_FALSE(migrated);
  EXPECT_NE(migrated.error().message.find("different file"), std::string::npos) << migrated.error().message;
}

TEST(Migrator, AFailingMigrationLeavesNothingBehind) {
  TestDatabase database(TestDatabase::Schema::empty);
  auto session = database.session();
  const std::vector<Migration> broken{
      {1, "0001_ok.sql", "CREATE TABLE first_table (x int)"},
      {2, "0002_broken.sql", "CREATE TABLE second_table (x int); SELECT no_such_function();"}};
  auto migrated = migrate(session, broken);
  ASSERT_FALSE(migrated);
  EXPECT_NE(migrated.error().message.find("0002_broken.sql"), std::string::npos) << migrated.error().message;
  EXPECT_EQ(database.scalar<int>("SELECT max(version) FROM schema_migrations"), 1);
  EXPECT_TRUE(database.scalar<bool>("SELECT to_regclass('second_table') IS NULL"));
  EXPECT_FALSE(database.scalar<bool>("SELECT to_regclass('first_table') IS NULL"));
}

TEST(Migrator, MonthlyPartitionsTakeTheirRows) {
  TestDatabase database;
  database.exec("SELECT ensure_scan_partitions('2026-11-27T10:00:00Z')");
  database.exec("SELECT ensure_scan_partitions('2026-11-02T00:00:00Z')");  // same month: no-op
  database.exec(
      "INSERT INTO services (scan_id, scan_started, ip, port, transport, status, seen_at) "
      "VALUES (1, '2026-11-27T10:00:00Z', '192.0.2.1', 80, 'tcp', 'open', now())");
  EXPECT_EQ(database.scalar<int>("SELECT count(*) FROM services_p202611"), 1);
  EXPECT_EQ(database.scalar<int>("SELECT count(*) FROM services_default"), 0);
}

TEST(Session, ErrorsAreValuesWithoutPasswords) {
  auto malformed = Session::open("postgresql://user:hunter2@host:5432/db?nosuchoption=1");
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().kind, Error::Kind::invalid_input);
  EXPECT_EQ(malformed.error().message.find("hunter2"), std::string::npos) << malformed.error().message;
  auto unreachable = Session::open("host=/nonexistent/fumidai dbname=x password='s3cret word'");
  ASSERT_FALSE(unreachable);
  EXPECT_EQ(unreachable.error().kind, Error::Kind::failure);
  EXPECT_EQ(unreachable.error().message.find("s3cret"), std::string::npos) << unreachable.error().message;
}

}  // namespace
}  // namespace fumidai::db
