// AttributionSnapshot::load against the real schema: which import of each
// kind it picks for a date, and what it makes of their rows.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <chrono>

#include "TestDatabase.h"
#include "fumidai/db/AttributionSnapshot.h"

namespace fumidai::db {
namespace {

using test::TestDatabase;

std::chrono::system_clock::time_point day(int y, unsigned m, unsigned d) {
  return std::chrono::sys_days(std::chrono::year(y) / m / d) + std::chrono::hours(12);
}

boost::asio::ip::address ip(const char* text) { return boost::asio::ip::make_address(text); }

// Two dated generations of every kind: 2024-01-01 (ids 1-4) and 2024-06-01 (ids 5-8).
void seed(const TestDatabase& database) {
  database.exec(R"SQL(
    INSERT INTO attribution_imports (id, kind, source, sha256, data_date, rows) VALUES
      (1, 'pfx2as', 'a', 'x1', '2024-01-01', 3), (2, 'as2org', 'b', 'x2', '2024-01-01', 2),
      (3, 'delegated', 'c', 'x3', '2024-01-01', 1), (4, 'geolite2-asn', 'd', 'x4', '2024-01-01', 1),
      (5, 'pfx2as', 'a', 'y1', '2024-06-01', 1), (6, 'as2org', 'b', 'y2', '2024-06-01', 1),
      (7, 'delegated', 'c', 'y3', '2024-06-01', 1), (8, 'geolite2-asn', 'd', 'y4', '2024-06-01', 1);
    SELECT setval('attribution_imports_id_seq', 8);
    INSERT INTO prefix_origins (import_id, prefix, asn, asns, as_name) VALUES
      (1, '198.18.0.0/16', 64496, '{64496}', NULL), (1, '198.18.0.0/18', 64497, '{64497,64499}', NULL),
      (1, '2001:db8::/32', 64498, '{64498}', NULL),
      (4, '203.0.113.0/24', 64511, '{64511}', 'Eleven Networks'),
      (5, '198.18.0.0/16', 64500, '{64500}', NULL),
      (8, '203.0.113.0/24', 64510, '{64510}', 'Ten Networks');
    INSERT INTO organizations (import_id, org_id, name, country) VALUES
      (2, 'ORG-A', 'Alpha Net', 'JP'), (6, 'ORG-E', 'Echo Net', 'DE');
    INSERT INTO as_orgs (import_id, asn, as_name, org_id) VALUES
      (2, 64496, 'ALPHA-1', 'ORG-A'), (2, 64497, 'ALPHA-2', 'ORG-A'), (2, 64498, 'GHOST', 'ORG-MISSING'),
      (6, 64500, 'ECHO', 'ORG-E');
    INSERT INTO prefix_countries (import_id, prefix, country, registry, status) VALUES
      (3, '198.18.0.0/17', 'KR', 'apnic', 'allocated'), (7, '198.18.0.0/15', 'NL', 'ripencc', 'allocated');
  )SQL");
}

TEST(AttributionSnapshotLoad, PicksTheImportsOfTheScansDay) {
  TestDatabase database;
  seed(database);
  auto session = database.session();

  auto early = AttributionSnapshot::load(session, day(2024, 3, 1));
  ASSERT_TRUE(early) << early.error().message;
  EXPECT_EQ(boost::json::serialize(early->imports()),
            R"({"pfx2as":1,"geolite2-asn":4,"as2org":2,"delegated":3})");
  const auto a = early->lookup(ip("198.18.1.1"));
  EXPECT_EQ(a.asn, 64497);  // the /18 inside the /16; the first of a multi-origin set
  EXPECT_EQ(a.org_id, "ORG-A");
  EXPECT_EQ(a.org_name, "Alpha Net");
  EXPECT_EQ(a.country, "KR");
  EXPECT_EQ(early->lookup(ip("198.18.200.1")).asn, 64496);
  EXPECT_EQ(early->lookup(ip("198.18.200.1")).country, "JP");
  // An AS whose organisation is missing keeps its AS name.
  const auto ghost = early->lookup(ip("2001:db8::1"));
  EXPECT_EQ(ghost.asn, 64498);
  EXPECT_EQ(ghost.org_id, "ORG-MISSING");
  EXPECT_EQ(ghost.org_name, "GHOST");
  EXPECT_EQ(early->lookup(ip("203.0.113.1")).org_name, "Eleven Networks");

  auto late = AttributionSnapshot::load(session, day(2024, 7, 1));
  ASSERT_TRUE(late) << late.error().message;
  EXPECT_EQ(boost::json::serialize(late->imports()), R"({"pfx2as":5,"geolite2-asn":8,"as2org":6,"delegated":7})");
  const auto b = late->lookup(ip("198.18.1.1"));
  EXPECT_EQ(b.asn, 64500);
  EXPECT_EQ(b.org_name, "Echo Net");
  EXPECT_EQ(b.country, "NL");
  EXPECT_FALSE(late->lookup(ip("2001:db8::1")).asn);

  // Data newer than the scan: the oldest there is.
  auto before = AttributionSnapshot::load(session, day(2020, 1, 1));
  ASSERT_TRUE(before) << before.error().message;
  EXPECT_EQ(before->imports().at("pfx2as").as_int64(), 1);
}

TEST(AttributionSnapshotLoad, NoImportsAttributeNothing) {
  TestDatabase database;
  auto session = database.session();
  auto snapshot = AttributionSnapshot::load(session, day(2024, 3, 1));
  ASSERT_TRUE(snapshot) << snapshot.error().message;
  EXPECT_TRUE(snapshot->imports().empty());
  EXPECT_FALSE(snapshot->lookup(ip("198.18.1.1")).asn);
}

TEST(AttributionSnapshotLoad, ManyRowsCrossFetchBatches) {
  TestDatabase database;
  database.exec(R"SQL(
    INSERT INTO attribution_imports (kind, source, sha256, data_date, rows) VALUES ('pfx2as', 'a', 'x', '2024-01-01', 0);
    INSERT INTO prefix_origins (import_id, prefix, asn, asns)
      SELECT 1, set_masklen(('10.0.0.0'::inet + (n * 256)), 24)::cidr, 64496 + n % 16, ARRAY[64496 + n % 16]
      FROM generate_series(0, 49999) n;
  )SQL");
  auto session = database.session();
  auto snapshot = AttributionSnapshot::load(session, day(2024, 3, 1));
  ASSERT_TRUE(snapshot) << snapshot.error().message;
  EXPECT_EQ(snapshot->lookup(ip("10.0.0.1")).asn, 64496);
  EXPECT_EQ(snapshot->lookup(ip("10.0.195.1")).asn, 64496 + 195 % 16);
  EXPECT_EQ(snapshot->lookup(ip("10.195.79.1")).asn, 64496 + 49999 % 16);  // the last row, n = 49999
  EXPECT_FALSE(snapshot->lookup(ip("10.195.80.1")).asn);
}

}  // namespace
}  // namespace fumidai::db
