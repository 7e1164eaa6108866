#pragma once
// A fresh database per test on the cluster the ctest fixture `db_cluster`
// started (`fumidai db up` with FUMIDAI_STATE_DIR; tests/CMakeLists.txt).
// It is created on construction, migrated unless told not to, and dropped on
// destruction, so tests share a server but never data.
// Contract: one per test; not thread-safe.
#include <gtest/gtest.h>

#include <atomic>
#include <fmt/format.h>
#include <pqxx/pqxx>
#include <string>
#include <unistd.h>

#include "fumidai/db/DatabaseLocation.h"
#include "fumidai/db/EmbeddedCluster.h"
#include "fumidai/db/Migrator.h"
#include "fumidai/db/Session.h"

namespace fumidai::test {

class TestDatabase {
 public:
  enum class Schema { migrated, empty };

  explicit TestDatabase(Schema schema = Schema::migrated) {
    static std::atomic<int> counter{0};
    name_ = fmt::format("fumidai_test_{}_{}", getpid(), counter++);
    {
      pqxx::connection admin(cluster().maintenance_conninfo());
      pqxx::nontransaction tx(admin);
      tx.exec("DROP DATABASE IF EXISTS " + name_);
      tx.exec("CREATE DATABASE " + name_);
    }
    conninfo_ = cluster().conninfo();
    conninfo_.replace(conninfo_.find("dbname=fumidai"), std::string("dbname=fumidai").size(), "dbname=" + name_);
    if (schema == Schema::migrated) {
      auto session = db::Session::open(conninfo_);
      EXPECT_TRUE(session) << (session ? "" : session.error().message);
      auto migrated = db::migrate(*session);
      EXPECT_TRUE(migrated) << (migrated ? "" : migrated.error().message);
    }
  }
  ~TestDatabase() {
    try {
      pqxx::connection admin(cluster().maintenance_conninfo());
      pqxx::nontransaction tx(admin);
      tx.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception& e) {
      ADD_FAILURE() << "dropping " << name_ << ": " << e.what();
    }
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& conninfo() const { return conninfo_; }
  const std::string& name() const { return name_; }
  db::Session session() const {
    auto session = db::Session::open(conninfo_);
    if (!session) throw std::runtime_error(session.error().message);
    return std::move(*session);
  }
  // One value from a query, for assertions.
  template <class T>
  T scalar(const std::string& sql) const {
    pqxx::connection c(conninfo_);
    pqxx::nontransaction tx(c);
    return tx.exec1(sql)[0].as<T>();
  }
  void exec(const std::string& sql) const {
    pqxx::connection c(conninfo_);
    pqxx::nontransaction tx(c);
    tx.exec(sql);
  }

  // The fixture's cluster: $FUMIDAI_STATE_DIR/pg.
  static db::EmbeddedCluster cluster() { return db::EmbeddedCluster(db::state_directory() / "pg"); }

 private:
  std::string name_;
  std::string conninfo_;
};

}  // namespace fumidai::test
