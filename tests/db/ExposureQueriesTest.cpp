// ExposureQueries over folded scans written with SQL.
#include "fumidai/db/ExposureQueries.h"

#include <gtest/gtest.h>

#include <set>

#include "ScanFixture.h"
#include "TestDatabase.h"

namespace fumidai::db {
namespace {

using test::Fingerprint;
using test::Observation;
using test::ScanFixture;
using test::TestDatabase;

const Fingerprint kRouter{"router", "tplink-archer-c7", "TP-Link", "Archer C7", "5.0"};
const Fingerprint kPanel{"admin-panel", "tplink-web-admin", "TP-Link", "router web management", ""};
const Fingerprint kPptp{"vpn", "router-pptp-server", "TP-Link", "PPTP server", ""};
const Fingerprint kSocks{"proxy", "socks5-proxy", "Unknown", "SOCKS5 proxy", ""};

Observation at(std::string ip, int port, std::vector<Fingerprint> fingerprints, std::vector<std::string> labels,
               std::int64_t asn, std::string org) {
  Observation o;
  o.ip = std::move(ip);
  o.port = port;
  o.fingerprints = std::move(fingerprints);
  o.labels = std::move(labels);
  o.asn = asn;
  o.org_id = org;
  o.org_name = "ISP " + org;
  return o;
}

// Two ISPs: ORG-A (AS 64500 and 64501), ORG-B (AS 64600).
struct TwoIsps {
  explicit TwoIsps(ScanFixture& f) {
    first = f.scan({"2026-04-06T00:00:00Z", {"10.0.0.0/16", "10.1.0.0/16"}, {80, 1080, 1723}, {}});
    second = f.scan({"2026-04-13T00:00:00Z", {"10.0.0.0/16", "10.1.0.0/16"}, {80, 1080, 1723}, {}});
    for (const auto scan : {first, second}) {
      f.observe(scan, {at("10.0.0.1", 80, {kPanel, kRouter}, {"admin-panel-exposed"}, 64500, "ORG-A"),
                       at("10.0.0.2", 80, {kPanel, kRouter}, {"admin-panel-exposed"}, 64501, "ORG-A"),
                       at("10.0.0.3", 1080, {kSocks}, {"open-proxy"}, 64501, "ORG-A"),
                       at("10.1.0.1", 80, {kPanel, kRouter}, {"admin-panel-exposed"}, 64600, "ORG-B")});
    }
    // The second scan: a VPN switched on at 10.0.0.1.
    f.observe(second, {at("10.0.0.1", 1723, {kPptp}, {"vpn-on-consumer-router"}, 64500, "ORG-A")});
    f.finalize(first);
    f.finalize(second);
  }
  std::int64_t first = 0;
  std::int64_t second = 0;
};

Session open(const TestDatabase& database) { return database.session(); }

TEST(ExposureQueries, CountsByIspForTheLatestOrAGivenScan) {
  TestDatabase database;
  ScanFixture f(database);
  TwoIsps isps(f);
  auto session = open(database);
  ExposureQueries queries(session);

  auto latest = queries.counts_by_isp({});
  ASSERT_TRUE(latest) << latest.error().message;
  EXPECT_EQ(latest->scan_id, isps.second);
  std::vector<std::string> rows;
  for (const auto& r : latest->rows) {
    rows.push_back(fmt::format("{} {} {} {}/{}", r.org_id, r.org_name, r.name, r.services, r.hosts));
    EXPECT_FALSE(r.asn);
  }
  EXPECT_EQ(rows, (std::vector<std::string>{"ORG-A ISP ORG-A admin-panel 2/2", "ORG-A ISP ORG-A proxy 1/1",
                                            "ORG-A ISP ORG-A router 2/2", "ORG-A ISP ORG-A vpn 1/1",
                                            "ORG-B ISP ORG-B admin-panel 1/1", "ORG-B ISP ORG-B router 1/1"}));

  auto by_asn = queries.counts_by_isp({isps.first, CountBy::label, IspGrouping::asn});
  ASSERT_TRUE(by_asn) << by_asn.error().message;
  EXPECT_EQ(by_asn->scan_id, isps.first);
  rows.clear();
  for (const auto& r : by_asn->rows) rows.push_back(fmt::format("{} {} {} {}", r.asn.value_or(0), r.org_id, r.name, r.hosts));
  EXPECT_EQ(rows, (std::vector<std::string>{"64500 ORG-A admin-panel-exposed 1", "64501 ORG-A admin-panel-exposed 1",
                                            "64501 ORG-A open-proxy 1", "64600 ORG-B admin-panel-exposed 1"}));

  auto unknown = queries.counts_by_isp({999});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, Error::Kind::invalid_input);
  EXPECT_NE(unknown.error().message.find("scan 999"), std::string::npos) << unknown.error().message;
}

TEST(ExposureQueries, NoFinalizedScanIsAnInputError) {
  TestDatabase database;
  auto session = open(database);
  ExposureQueries queries(session);
  auto counts = queries.counts_by_isp({});
  ASSERT_FALSE(counts);
  EXPECT_EQ(counts.error().kind, Error::Kind::invalid_input);
  EXPECT_EQ(counts.error().message, "there is no finalized scan yet");
}

TEST(ExposureQueries, ExposedRoutersPageThroughEveryRouterOnce) {
  TestDatabase database;
  ScanFixture f(database);
  const auto scan = f.scan({"2026-04-06T00:00:00Z", {"10.0.0.0/8", "2001:db8::/32"}, {80, 443}, {}});
  // ORG-A: 230 routers over two ASNs and IPv4 and IPv6 (one router's only
  // service is refused: nothing exposed), 40 hosts that are no routers;
  // ORG-B: 30 routers.
  database.exec(fmt::format(
      "INSERT INTO services (scan_id, scan_started, ip, port, transport, protocol, status, seen_at, fingerprints, "
      "                      categories, labels, asn, org_id, org_name, country) "
      "SELECT s.id, s.started, "
      "       CASE WHEN n % 3 = 0 THEN ('2001:db8::' || to_hex(n))::inet ELSE '10.0.0.0'::inet + n * 7 END, "
      "       80, 'tcp', 'http', CASE WHEN n = 17 THEN 'connection-refused' ELSE 'success' END, s.started, "
      "       CASE WHEN n <= 260 THEN '[{{\"id\":\"r\",\"category\":\"router\",\"vendor\":\"TP-Link\"}}]' "
      "            ELSE '[]' END::jsonb, "
      "       CASE WHEN n <= 260 THEN '{{router}}' ELSE '{{}}' END::text[], '{{}}', "
      "       CASE WHEN n > 230 AND n <= 260 THEN 64600 WHEN n % 2 = 0 THEN 64500 ELSE 64501 END, "
      "       CASE WHEN n > 230 AND n <= 260 THEN 'ORG-B' ELSE 'ORG-A' END, 'ISP', 'JP' "
      "FROM scans s, generate_series(1, 300) n WHERE s.id = {}",
      scan));
  f.finalize(scan);
  const std::set<std::string> expected = [&] {
    std::set<std::string> ips;
    for (const auto& row : f.query("SELECT host(ip) FROM hosts WHERE org_id = 'ORG-A' AND router_vendor IS NOT NULL "
                                   "AND services > 0")) {
      ips.insert(row[0].as<std::string>());
    }
    return ips;
  }();
  ASSERT_EQ(expected.size(), 229u);

  auto session = open(database);
  ExposureQueries queries(session);
  std::vector<std::string> seen;
  ExposedRoutersRequest request{{std::nullopt, "ORG-A"}, "", 7};
  int pages = 0;
  do {
    auto page = queries.exposed_routers(request);
    ASSERT_TRUE(page) << page.error().message;
    ASSERT_LE(page->routers.size(), 7u);
    for (const auto& r : page->routers) {
      seen.push_back(r.ip);
      EXPECT_EQ(r.org_id, "ORG-A");
      EXPECT_EQ(r.vendor, "TP-Link");
      EXPECT_EQ(r.services, 1);
      EXPECT_EQ(r.last_scan_id, scan);
    }
    request.cursor = page->next_cursor;
    ++pages;
  } while (!request.cursor.empty() && pages < 100);
  EXPECT_EQ(pages, 33);  // 229 = 32 x 7 + 5
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected);
  EXPECT_EQ(seen.size(), expected.size()) << "a router came twice";

  // By ASN: the same split.
  int by_asn = 0;
  for (const std::int64_t asn : {64500, 64501}) {
    ExposedRoutersRequest asn_request{{asn, ""}, "", ExposureQueries::kMaxPageSize};
    auto page = queries.exposed_routers(asn_request);
    ASSERT_TRUE(page) << page.error().message;
    EXPECT_TRUE(page->next_cursor.empty());
    for (const auto& r : page->routers) EXPECT_EQ(r.asn, asn);
    by_asn += static_cast<int>(page->routers.size());
  }
  EXPECT_EQ(by_asn, 229);
}

TEST(ExposureQueries, ExposedRoutersRefuseBadRequests) {
  TestDatabase database;
  auto session = open(database);
  ExposureQueries queries(session);
  for (const ExposedRoutersRequest& bad :
       {ExposedRoutersRequest{{64500, "ORG-A"}, "", 10}, ExposedRoutersRequest{{}, "", 10},
        ExposedRoutersRequest{{64500, ""}, "", 0},
        ExposedRoutersRequest{{64500, ""}, "", ExposureQueries::kMaxPageSize + 1},
        ExposedRoutersRequest{{64500, ""}, "10.0.0.1'; DROP TABLE hosts; --", 10}}) {
    auto page = queries.exposed_routers(bad);
    ASSERT_FALSE(page);
    EXPECT_EQ(page.error().kind, Error::Kind::invalid_input) << page.error().message;
  }
  EXPECT_EQ(database.scalar<int>("SELECT count(*) FROM hosts"), 0);
}

TEST(ExposureQueries, AHostsServicesHistoryAndChanges) {
  TestDatabase database;
  ScanFixture f(database);
  TwoIsps isps(f);
  auto session = open(database);
  ExposureQueries queries(session);

  auto host = queries.host("10.0.0.1");
  ASSERT_TRUE(host) << host.error().message;
  ASSERT_TRUE(host->known);
  EXPECT_EQ(host->asn, 64500);
  EXPECT_EQ(host->org_id, "ORG-A");
  EXPECT_EQ(host->router_vendor, "TP-Link");
  EXPECT_EQ(host->router_product, "Archer C7");
  EXPECT_EQ(host->router_version, "5.0");
  EXPECT_EQ(host->labels, (std::vector<std::string>{"admin-panel-exposed", "vpn-on-consumer-router"}));
  ASSERT_EQ(host->services.size(), 2u);
  EXPECT_EQ(host->services[0].port, 80);
  EXPECT_EQ(host->services[0].first_scan_id, isps.first);
  EXPECT_EQ(host->services[0].rule_ids, (std::vector<std::string>{"tplink-archer-c7", "tplink-web-admin"}));
  EXPECT_EQ(host->services[1].port, 1723);
  EXPECT_TRUE(host->services[1].current);
  EXPECT_EQ(host->services[1].categories, std::vector<std::string>{"vpn"});
  std::vector<std::string> events;
  for (const auto& e : host->history) events.push_back(fmt::format("{}:{} {}", e.scan_id, e.port, e.change));
  EXPECT_EQ(events, (std::vector<std::string>{fmt::format("{}:80 new", isps.first),
                                              fmt::format("{}:80 unchanged", isps.second),
                                              fmt::format("{}:1723 appeared", isps.second)}));
  EXPECT_LT(host->history.front().scan_started, host->history.back().scan_started);

  auto latest_only = queries.host("10.0.0.1", 2);
  ASSERT_TRUE(latest_only);
  ASSERT_EQ(latest_only->history.size(), 2u);
  EXPECT_EQ(latest_only->history[0].scan_id, isps.second);

  auto unknown = queries.host("192.0.2.1");
  ASSERT_TRUE(unknown) << unknown.error().message;
  EXPECT_FALSE(unknown->known);
  EXPECT_TRUE(unknown->services.empty());
  EXPECT_TRUE(unknown->history.empty());

  for (const std::string bad : {"10.0.0", "not-an-address", "10.0.0.1/24", ""}) {
    auto refused = queries.host(bad);
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().kind, Error::Kind::invalid_input);
  }
  EXPECT_FALSE(queries.host("10.0.0.1", 0));
}

}  // namespace
}  // namespace fumidai::db
