// ConnectionPool against the fixture's PostgreSQL: bounded, lazy, reusing
// sessions, timing out, and dropping a session whose connection broke.
#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <thread>

#include "TestDatabase.h"
#include "fumidai/db/ConnectionPool.h"

namespace fumidai::db {
namespace {

using namespace std::chrono_literals;
using test::TestDatabase;

int backend_pid(PooledSession& session) {
  pqxx::nontransaction tx(session->connection());
  return tx.exec1("SELECT pg_backend_pid()")[0].as<int>();
}

TEST(ConnectionPool, OpensLazilyAndReusesReleasedSessions) {
  TestDatabase database;
  ConnectionPool pool(database.conninfo(), 2, 1000ms);
  EXPECT_EQ(pool.statistics().open, 0u);
  int first_pid = 0;
  {
    auto session = pool.acquire();
    ASSERT_TRUE(session) << session.error().message;
    first_pid = backend_pid(*session);
    const auto stats = pool.statistics();
    EXPECT_EQ(stats.size, 2u);
    EXPECT_EQ(stats.open, 1u);
    EXPECT_EQ(stats.in_use, 1u);
  }
  EXPECT_EQ(pool.statistics().in_use, 0u);
  auto again = pool.acquire();
  ASSERT_TRUE(again);
  EXPECT_EQ(backend_pid(*again), first_pid);
  EXPECT_EQ(pool.statistics().open, 1u);
}

TEST(ConnectionPool, WaitsBoundedlyWhenEverySessionIsLeased) {
  TestDatabase database;
  ConnectionPool pool(database.conninfo(), 2, 50ms);
  auto a = pool.acquire();
  auto b = pool.acquire();
  ASSERT_TRUE(a && b);
  auto c = pool.acquire();
  ASSERT_FALSE(c);
  EXPECT_EQ(pool.statistics().timeouts, 1u);
  EXPECT_EQ(pool.statistics().open, 2u);

  // A waiter gets the session released while it waits.
  ConnectionPool patient(database.conninfo(), 1, 10s);
  std::optional<PooledSession> held(*patient.acquire());
  std::thread releaser([&] {
    while (patient.statistics().waiting == 0) std::this_thread::yield();
    held.reset();
  });
  auto d = patient.acquire();
  releaser.join();
  EXPECT_TRUE(d);
}

TEST(ConnectionPool, DropsASessionWhoseConnectionBroke) {
  TestDatabase database;
  ConnectionPool pool(database.conninfo(), 1, 1000ms);
  int pid = 0;
  {
    auto session = pool.acquire();
    ASSERT_TRUE(session);
    pid = backend_pid(*session);
    database.exec(fmt::format("SELECT pg_terminate_backend({})", pid));
    auto failed = guarded("a query on a dead connection", [&] {
      pqxx::nontransaction tx((*session)->connection());
      tx.exec("SELECT 1");
    });
    EXPECT_FALSE(failed);
  }
  EXPECT_EQ(pool.statistics().open, 0u);
  auto fresh = pool.acquire();
  ASSERT_TRUE(fresh) << fresh.error().message;
  EXPECT_NE(backend_pid(*fresh), pid);
}

TEST(ConnectionPool, AnUnreachableServerIsAnErrorAndFreesTheSlot) {
  ConnectionPool pool("host=/nonexistent-fumidai-socket-dir dbname=x connect_timeout=1", 1, 100ms);
  EXPECT_FALSE(pool.acquire());
  EXPECT_EQ(pool.statistics().open, 0u);
  EXPECT_EQ(pool.statistics().in_use, 0u);
}

}  // namespace
}  // namespace fumidai::db
