// db::ping and the API's GET /readyz against the fixture's PostgreSQL: ready
// while a pooled session answers, 503 once the server is unreachable.
#include <gtest/gtest.h>

#include "TestDatabase.h"
#include "fumidai/api/handlers/HealthRoutes.h"
#include "fumidai/api/server/PoolHandlerContext.h"
#include "fumidai/core/SystemClock.h"
#include "fumidai/db/Ping.h"

namespace fumidai::db {
namespace {

using namespace std::chrono_literals;
using test::TestDatabase;

TEST(Readiness, PingAnswersOnALiveSession) {
  TestDatabase database;
  auto session = Session::open(database.conninfo());
  ASSERT_TRUE(session) << session.error().message;
  EXPECT_TRUE(ping(*session));
}

api::ApiResponse readyz(ConnectionPool& pool) {
  api::RouteRegistry routes;
  api::ServerMetrics metrics;
  api::register_health_routes(routes, metrics);
  SystemClock clock;
  api::PoolHandlerContext context(pool, clock);
  const auto lookup = routes.find("GET", "/readyz");
  EXPECT_TRUE(lookup.match);
  return lookup.match->route->handler(api::ApiRequest(), context);
}

TEST(Readiness, ReadyzIs200WithTheDatabaseAnd503Without) {
  TestDatabase database;
  ConnectionPool pool(database.conninfo(), 2, 2000ms);
  EXPECT_EQ(readyz(pool).status, 200u);

  // Port 1 on 127.0.0.1: nothing listens there.
  ConnectionPool unreachable("host=127.0.0.1 port=1 dbname=fumidai connect_timeout=2", 1, 2000ms);
  const auto refused = readyz(unreachable);
  EXPECT_EQ(refused.status, 503u);
  EXPECT_EQ(refused.content_type, "application/problem+json");
}

}  // namespace
}  // namespace fumidai::db
