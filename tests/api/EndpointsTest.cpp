// Every endpoint against PostgreSQL with the lab's ISPs: the lab's
// attribution files imported, two scans of lab-like hosts folded in.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>
#include <sstream>

#include "ApiFixture.h"
#include "ScanFixture.h"
#include "fumidai/api/handlers/ApiRoutes.h"
#include "fumidai/api/handlers/OpenApiRoutes.h"
#include "fumidai/core/CsvWriter.h"
#include "fumidai/db/AttributionImport.h"
#include "fumidai/db/PageCursor.h"
#include "fumidai/db/Pseudonymizer.h"

namespace fumidai::api {
namespace {

using test::ApiFixture;
using test::Fingerprint;
using test::Observation;
using test::Query;
using test::Reply;
using test::ScanFixture;

const Fingerprint kRouter{"router", "tplink-archer-c7", "TP-Link", "Archer C7", "5.0"};
const Fingerprint kPanel{"admin-panel", "tplink-web-admin", "TP-Link", "router web management", ""};
const Fingerprint kPptp{"vpn", "router-pptp-server", "TP-Link", "PPTP server", ""};
const Fingerprint kSocks{"proxy", "socks5-proxy", "Unknown", "SOCKS5 proxy", ""};
const Fingerprint kOpenVpn{"vpn", "openvpn-server", "OpenVPN", "OpenVPN", "2.6"};

// The lab's networks (lab/attribution/README.md).
struct Isp {
  std::int64_t asn;
  const char* org_id;
  const char* org_name;
  const char* country;
};
const Isp kSakura{64496, "ORG-SAKURA-JPNIC", "Sakura Hikari Net K.K.", "JP"};
const Isp kKumo{64498, "ORG-KUMO-JPNIC", "Kumo Broadband, Inc.", "JP"};
const Isp kMinato{64500, "ORG-MINATO-JPNIC", "Minato Business Link K.K.", "JP"};
const Isp kRhein{64501, "ORG-RHEIN-RIPE", "Rhein Telecom GmbH", "DE"};

Observation at(const Isp& isp, std::string ip, int port, std::vector<Fingerprint> fingerprints,
               std::vector<std::string> labels, std::string protocol = "http") {
  Observation o;
  o.ip = std::move(ip);
  o.port = port;
  o.protocol = std::move(protocol);
  o.fingerprints = std::move(fingerprints);
  o.labels = std::move(labels);
  o.asn = isp.asn;
  o.org_id = isp.org_id;
  o.org_name = isp.org_name;
  o.country = isp.country;
  return o;
}

// Hosts: Sakura routers .20 and .21 (a PPTP server switched on at .20 in the
// second scan), a Kumo router .33, a Minato SOCKS proxy .10, a Rhein
// OpenVPN server .70 (DE).
class Endpoints : public ::testing::Test {
 protected:
  void SetUp() override {
    auto session = fixture.database().session();
    const std::string lab = std::string(FUMIDAI_LAB_DIR) + "/attribution/";
    const std::chrono::year_month_day date{std::chrono::year(2025), std::chrono::month(1), std::chrono::day(1)};
    for (const auto& [kind, file] :
         {std::pair{db::AttributionKind::pfx2as, lab + "routeviews-rv2-20250101-1200.pfx2as"},
          std::pair{db::AttributionKind::as2org, lab + "20250101.as-org2info.txt"}}) {
      auto imported = db::import_attribution(session, {kind, {file}, date, false});
      ASSERT_TRUE(imported) << imported.error().message;
    }
    ScanFixture f(fixture.database());
    first = f.scan({"2026-04-06T00:00:00Z", {"198.19.0.0/24"}, {80, 1080, 1194, 1723}, {}});
    second = f.scan({"2026-04-13T00:00:00Z", {"198.19.0.0/24"}, {80, 1080, 1194, 1723}, {}});
    for (const auto scan : {first, second}) {
      f.observe(scan, {at(kSakura, "198.19.0.20", 80, {kPanel, kRouter}, {"admin-panel-exposed"}),
                       at(kSakura, "198.19.0.21", 80, {kPanel, kRouter}, {"admin-panel-exposed"}),
                       at(kKumo, "198.19.0.33", 80, {kPanel, kRouter}, {"admin-panel-exposed"}),
                       at(kMinato, "198.19.0.10", 1080, {kSocks}, {"open-proxy"}, "socks5"),
                       at(kRhein, "198.19.0.70", 1194, {kOpenVpn}, {"vpn-exposed"}, "openvpn")});
    }
    f.observe(second, {at(kSakura, "198.19.0.20", 1723, {kPptp}, {"vpn-on-consumer-router"}, "pptp")});
    fixture.database().exec("UPDATE services SET ptr = 'r20.sakura.example.jp' WHERE ip = '198.19.0.20'");
    f.finalize(first);
    f.finalize(second);
  }

  std::set<std::string> ips(const Reply& reply) {
    std::set<std::string> out;
    for (const auto& item : reply.json().at("items").as_array()) out.insert(std::string(item.at("ip").as_string()));
    return out;
  }

  ApiFixture fixture;
  std::int64_t first = 0;
  std::int64_t second = 0;
};

TEST_F(Endpoints, ExposuresListsCurrentServicesWithTheirFields) {
  const auto reply = fixture.call(test::admin(), "/v1/exposures");
  ASSERT_EQ(reply.status, 200u) << reply.body;
  const auto items = reply.json().at("items").as_array();
  ASSERT_EQ(items.size(), 6u);
  EXPECT_TRUE(reply.json().at("next_cursor").is_null());
  const auto& first_item = items[0].as_object();  // 198.19.0.10:1080
  EXPECT_EQ(first_item.at("ip"), "198.19.0.10");
  EXPECT_EQ(first_item.at("port"), 1080);
  EXPECT_EQ(first_item.at("protocol"), "socks5");
  EXPECT_EQ(first_item.at("asn"), 64500);
  EXPECT_EQ(first_item.at("org"), "Minato Business Link K.K.");
  EXPECT_EQ(first_item.at("country"), "JP");
  EXPECT_EQ(first_item.at("labels").as_array().at(0), "open-proxy");
  EXPECT_EQ(first_item.at("fingerprints").as_array().at(0).at("id"), "socks5-proxy");
  EXPECT_EQ(first_item.at("first_seen"), "2026-04-06T00:10:00Z");
  EXPECT_EQ(first_item.at("last_seen"), "2026-04-13T00:10:00Z");
  EXPECT_EQ(items[1].at("ptr"), "r20.sakura.example.jp");
}

TEST_F(Endpoints, EveryFilterNarrowsTheList) {
  struct Case {
    Query query;
    std::set<std::string> expected;
  };
  const std::vector<Case> cases{
      {{{"asn", "64496"}}, {"198.19.0.20", "198.19.0.21"}},
      {{{"asn", "AS64498"}, {"asn", "64500"}}, {"198.19.0.33", "198.19.0.10"}},
      {{{"org", "ORG-RHEIN-RIPE"}}, {"198.19.0.70"}},
      {{{"org", "kumo broadband, inc."}}, {"198.19.0.33"}},
      {{{"country", "DE"}}, {"198.19.0.70"}},
      {{{"prefix", "198.19.0.16/28"}}, {"198.19.0.20", "198.19.0.21"}},
      {{{"category", "vpn"}}, {"198.19.0.20", "198.19.0.70"}},
      {{{"label", "open-proxy"}, {"label", "vpn-exposed"}}, {"198.19.0.10", "198.19.0.70"}},
      {{{"vendor", "openvpn"}}, {"198.19.0.70"}},
      {{{"product", "PPTP server"}}, {"198.19.0.20"}},
      {{{"vendor", "TP-Link"}, {"product", "Archer C7"}}, {"198.19.0.20", "198.19.0.21", "198.19.0.33"}},
      {{{"port", "1723"}}, {"198.19.0.20"}},
      {{{"protocol", "socks5"}}, {"198.19.0.10"}},
      {{{"scan", std::to_string(first)}, {"port", "1723"}}, {}},
      {{{"scan", std::to_string(second)}, {"port", "1723"}}, {"198.19.0.20"}},
      {{{"since", "2026-04-13T00:00:00Z"}},
       {"198.19.0.10", "198.19.0.20", "198.19.0.21", "198.19.0.33", "198.19.0.70"}},
      {{{"until", "2026-04-07"}}, {"198.19.0.10", "198.19.0.20", "198.19.0.21", "198.19.0.33", "198.19.0.70"}},
      {{{"until", "2026-04-07"}, {"port", "1723"}}, {}},
      {{{"since", "2026-05-01"}}, {}},
  };
  for (const auto& c : cases) {
    const auto reply = fixture.call(test::admin(), "/v1/exposures", c.query);
    ASSERT_EQ(reply.status, 200u) << c.query.front().first << ": " << reply.body;
    EXPECT_EQ(ips(reply), c.expected) << c.query.front().first << "=" << c.query.front().second;
  }
}

TEST_F(Endpoints, CursorPaginationVisitsEveryRowOnce) {
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 20; ++page) {
    Query query{{"limit", "1"}};
    if (!cursor.empty()) query.emplace_back("cursor", cursor);
    const auto reply = fixture.call(test::admin(), "/v1/exposures", query);
    ASSERT_EQ(reply.status, 200u) << reply.body;
    const auto json = reply.json();
    for (const auto& item : json.at("items").as_array()) {
      seen.push_back(fmt::format("{}:{}", item.at("ip").as_string().c_str(), item.at("port").as_int64()));
    }
    if (json.at("next_cursor").is_null()) break;
    cursor = std::string(json.at("next_cursor").as_string());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"198.19.0.10:1080", "198.19.0.20:80", "198.19.0.20:1723", "198.19.0.21:80",
                                            "198.19.0.33:80", "198.19.0.70:1194"}));
}

TEST_F(Endpoints, BadCursorsAndLimitsAre400sNamingTheParameter) {
  for (const std::string& cursor : std::vector<std::string>{
           "!!!", "AAAA", db::PageCursor::encode("198.19.0.1 99999 tcp"), db::PageCursor::encode("x 80 tcp"),
           db::PageCursor::encode("198.19.0.1 80 sctp"), db::PageCursor::encode("198.19.0.1"), std::string(600, 'A')}) {
    const auto reply = fixture.call(test::admin(), "/v1/exposures", {{"cursor", cursor}});
    EXPECT_EQ(reply.status, 400u) << cursor;
    EXPECT_EQ(reply.content_type, "application/problem+json");
    EXPECT_EQ(reply.json().at("invalid_params").at(0).at("name"), "cursor") << reply.body;
  }
  EXPECT_EQ(fixture.call(test::admin(), "/v1/exposures", {{"limit", "0"}}).status, 400u);
  EXPECT_EQ(fixture.call(test::admin(), "/v1/exposures", {{"limit", "1001"}}).status, 400u);
  EXPECT_EQ(fixture.call(test::admin(), "/v1/scans", {{"cursor", "$$"}}).status, 400u);
  EXPECT_EQ(fixture.call(test::admin(), "/v1/stats/by-isp", {{"scan", "999"}}).status, 400u);
}

TEST_F(Endpoints, SqlLookingValuesAreData) {
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"org", "x' OR '1'='1"},
                                                        {"vendor", "'); DROP TABLE hosts; --"},
                                                        {"label", "\"},{\"a"},
                                                        {"product", "\\\"}"},
                                                        {"category", "vpn') OR true --"}}) {
    for (const char* path : {"/v1/exposures", "/v1/stats/by-isp", "/v1/stats/by-product", "/v1/stats/timeline"}) {
      const auto reply = fixture.call(test::admin(), path, {{name, value}});
      ASSERT_EQ(reply.status, 200u) << path << " " << name << ": " << reply.body;
      const auto& items = reply.json().at("items").as_array();
      if (std::string(path) == "/v1/stats/timeline") {
        for (const auto& point : items) EXPECT_EQ(point.at("services"), 0);
      } else {
        EXPECT_TRUE(items.empty()) << path << " " << name;
      }
    }
  }
  EXPECT_EQ(fixture.database().scalar<int>("SELECT count(*) FROM hosts"), 5);
}

TEST_F(Endpoints, StatsByIspCountsPerIspOrAsnAndCategoryOrLabel) {
  const auto reply = fixture.call(test::admin(), "/v1/stats/by-isp");
  ASSERT_EQ(reply.status, 200u) << reply.body;
  const auto json = reply.json();
  EXPECT_EQ(json.at("scan_id"), second);
  std::vector<std::string> rows;
  for (const auto& r : json.at("items").as_array()) {
    rows.push_back(fmt::format("{} {} {}/{}", r.at("org_id").as_string().c_str(), r.at("name").as_string().c_str(),
                               r.at("services").as_int64(), r.at("hosts").as_int64()));
  }
  EXPECT_EQ(rows, (std::vector<std::string>{"ORG-KUMO-JPNIC admin-panel 1/1", "ORG-KUMO-JPNIC router 1/1",
                                            "ORG-MINATO-JPNIC proxy 1/1", "ORG-RHEIN-RIPE vpn 1/1",
                                            "ORG-SAKURA-JPNIC admin-panel 2/2", "ORG-SAKURA-JPNIC router 2/2",
                                            "ORG-SAKURA-JPNIC vpn 1/1"}));
  const auto labels = fixture.call(test::admin(), "/v1/stats/by-isp",
                                   {{"by", "label"}, {"group", "asn"}, {"scan", std::to_string(first)}});
  ASSERT_EQ(labels.status, 200u) << labels.body;
  EXPECT_EQ(labels.json().at("scan_id"), first);
  EXPECT_EQ(labels.json().at("items").as_array().size(), 4u);
  EXPECT_EQ(labels.json().at("items").at(0).at("asn"), 64498);

  // A filter the precomputed counts cannot answer (a port) reads the
  // observations, with the same meaning.
  const auto by_port = fixture.call(test::admin(), "/v1/stats/by-isp", {{"port", "1723"}, {"port", "80"}});
  const auto by_counts = fixture.call(test::admin(), "/v1/stats/by-isp");
  ASSERT_EQ(by_port.status, 200u) << by_port.body;
  boost::json::array kept;
  for (const auto& r : by_counts.json().at("items").as_array()) {
    if (r.at("org_id") != "ORG-MINATO-JPNIC" && r.at("org_id") != "ORG-RHEIN-RIPE") kept.push_back(r);
  }
  EXPECT_EQ(by_port.json().at("items"), boost::json::value(kept));
  const auto vpn = fixture.call(test::admin(), "/v1/stats/by-isp", {{"category", "vpn"}, {"country", "JP"}});
  ASSERT_EQ(vpn.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(vpn.json().at("items").at(0).at("org_id"), "ORG-SAKURA-JPNIC");
}

TEST_F(Endpoints, StatsByProductAndTimeline) {
  const auto products = fixture.call(test::admin(), "/v1/stats/by-product", {{"vendor", "tp-link"}});
  ASSERT_EQ(products.status, 200u) << products.body;
  std::set<std::string> names;
  for (const auto& r : products.json().at("items").as_array()) {
    names.insert(fmt::format("{}/{}", r.at("product").as_string().c_str(), r.at("hosts").as_int64()));
  }
  EXPECT_EQ(names, (std::set<std::string>{"Archer C7/3", "PPTP server/1", "router web management/3"}));
  const auto in_prefix = fixture.call(test::admin(), "/v1/stats/by-product", {{"prefix", "198.19.0.64/27"}});
  ASSERT_EQ(in_prefix.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(in_prefix.json().at("items").at(0).at("product"), "OpenVPN");

  const auto timeline = fixture.call(test::admin(), "/v1/stats/timeline", {{"asn", "64496"}});
  ASSERT_EQ(timeline.status, 200u) << timeline.body;
  const auto& points = timeline.json().at("items").as_array();
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].at("scan_id"), first);
  EXPECT_EQ(points[0].at("services"), 2);
  EXPECT_EQ(points[1].at("services"), 3);
  EXPECT_EQ(points[1].at("hosts"), 2);
  const auto vpn = fixture.call(test::admin(), "/v1/stats/timeline", {{"category", "vpn"}, {"since", "2026-04-10"}});
  ASSERT_EQ(vpn.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(vpn.json().at("items").at(0).at("services"), 2);
}

TEST_F(Endpoints, HostShowsServicesHistoryAndChanges) {
  const auto reply = fixture.call(test::admin(), "/v1/hosts/198.19.0.20");
  ASSERT_EQ(reply.status, 200u) << reply.body;
  const auto json = reply.json();
  EXPECT_EQ(json.at("asn"), 64496);
  EXPECT_EQ(json.at("ptr"), "r20.sakura.example.jp");
  EXPECT_EQ(json.at("router").at("vendor"), "TP-Link");
  EXPECT_EQ(json.at("services").as_array().size(), 2u);
  ASSERT_EQ(json.at("changes").as_array().size(), 1u);
  EXPECT_EQ(json.at("changes").at(0).at("change"), "appeared");
  EXPECT_EQ(json.at("changes").at(0).at("port"), 1723);
  EXPECT_GE(json.at("history").as_array().size(), 3u);

  EXPECT_EQ(fixture.call(test::admin(), "/v1/hosts/198.19.0.99").status, 404u);
  EXPECT_EQ(fixture.call(test::admin(), "/v1/hosts/not-an-ip").status, 400u);
  EXPECT_EQ(fixture.call(test::admin(), "/v1/hosts/..%2F..%2Fetc").status, 400u);
}

TEST_F(Endpoints, AnAnalystsForeignHostIsA404LikeAnUnknownOne) {
  const auto sakura = test::analyst({{64496}, {}, {}});
  const auto foreign = fixture.call(sakura, "/v1/hosts/198.19.0.33");
  const auto unknown = fixture.call(sakura, "/v1/hosts/198.19.0.99");
  EXPECT_EQ(foreign.status, 404u);
  EXPECT_EQ(unknown.status, 404u);
  // The same document but for the address it names.
  EXPECT_EQ(foreign.json().at("title"), unknown.json().at("title"));
  EXPECT_EQ(fixture.call(sakura, "/v1/hosts/198.19.0.20").status, 200u);
  EXPECT_EQ(fixture.call(test::analyst({{}, {"198.19.0.32/29"}, {}}), "/v1/hosts/198.19.0.33").status, 200u);
  EXPECT_EQ(fixture.call(test::analyst({{}, {}, {"DE"}}), "/v1/hosts/198.19.0.70").status, 200u);
  EXPECT_EQ(fixture.call(test::analyst({}), "/v1/hosts/198.19.0.70").status, 404u);
}

TEST_F(Endpoints, IspSummary) {
  const auto reply = fixture.call(test::admin(), "/v1/isps/AS64496");
  ASSERT_EQ(reply.status, 200u) << reply.body;
  const auto json = reply.json();
  EXPECT_EQ(json.at("name"), "Sakura Hikari Net K.K.");
  EXPECT_EQ(json.at("country"), "JP");
  EXPECT_EQ(json.at("org_id"), "ORG-SAKURA-JPNIC");
  std::set<std::string> prefixes;
  for (const auto& p : json.at("prefixes").as_array()) prefixes.insert(std::string(p.as_string()));
  EXPECT_TRUE(prefixes.contains("198.18.0.0/16"));
  EXPECT_TRUE(prefixes.contains("198.19.0.16/28"));
  EXPECT_TRUE(prefixes.contains("198.18.160.0/19"));  // multi-origin, 64496 second
  EXPECT_EQ(json.at("scan_id"), second);
  EXPECT_FALSE(json.at("categories").as_array().empty());
  EXPECT_FALSE(json.at("products").as_array().empty());
  EXPECT_EQ(json.at("top_labels").at(0).at("name"), "admin-panel-exposed");
  ASSERT_EQ(json.at("trend").as_array().size(), 2u);
  EXPECT_EQ(json.at("trend").at(1).at("services"), 3);

  EXPECT_EQ(fixture.call(test::admin(), "/v1/isps/64999").status, 404u);
  EXPECT_EQ(fixture.call(test::admin(), "/v1/isps/AS0").status, 400u);
  EXPECT_EQ(fixture.call(test::analyst({{64498}, {}, {}}), "/v1/isps/64496").status, 404u);
  EXPECT_EQ(fixture.call(test::analyst({{64496}, {}, {}}), "/v1/isps/64496").status, 200u);
}

TEST_F(Endpoints, ScansListAndOne) {
  const auto page = fixture.call(test::admin(), "/v1/scans", {{"limit", "1"}});
  ASSERT_EQ(page.status, 200u) << page.body;
  EXPECT_EQ(page.json().at("items").at(0).at("id"), second);
  const auto cursor = std::string(page.json().at("next_cursor").as_string());
  const auto next = fixture.call(test::admin(), "/v1/scans", {{"limit", "1"}, {"cursor", cursor}});
  EXPECT_EQ(next.json().at("items").at(0).at("id"), first);
  EXPECT_TRUE(next.json().at("next_cursor").is_null());

  const auto one = fixture.call(test::researcher(), "/v1/scans/" + std::to_string(first));
  ASSERT_EQ(one.status, 200u) << one.body;
  EXPECT_EQ(one.json().at("started"), "2026-04-06T00:00:00Z");
  EXPECT_TRUE(one.json().as_object().contains("rows_ingested"));
  const auto analyst = fixture.call(test::analyst({{64496}, {}, {}}), "/v1/scans/" + std::to_string(first));
  EXPECT_FALSE(analyst.json().as_object().contains("rows_ingested"));
  EXPECT_EQ(fixture.call(test::admin(), "/v1/scans/99999").status, 404u);
  EXPECT_EQ(fixture.call(test::admin(), "/v1/scans/-1").status, 400u);
}

// RFC 4180 records of a whole body (quoted fields may hold CR, LF, commas).
std::vector<std::vector<std::string>> parse_csv(const std::string& body) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (quoted) {
      if (c == '"' && i + 1 < body.size() && body[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
    } else if (c == '\r' && i + 1 < body.size() && body[i + 1] == '\n') {
      record.push_back(std::move(field));
      field.clear();
      records.push_back(std::move(record));
      record.clear();
      ++i;
    } else {
      field += c;
    }
  }
  EXPECT_TRUE(field.empty() && record.empty()) << "the body does not end with CRLF";
  return records;
}

TEST_F(Endpoints, CsvAndJsonlExportsParse) {
  const auto csv = fixture.call(test::admin(), "/v1/exports/exposures.csv");
  ASSERT_EQ(csv.status, 200u) << csv.body;
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  ASSERT_EQ(csv.headers.size(), 1u);
  EXPECT_EQ(csv.headers[0].first, "Content-Disposition");
  EXPECT_TRUE(csv.headers[0].second.starts_with("attachment"));
  const auto records = parse_csv(csv.body);
  ASSERT_EQ(records.size(), 7u);
  EXPECT_EQ(records[0][0], "ip");
  EXPECT_EQ(records[1][0], "198.19.0.10");
  for (const auto& r : records) EXPECT_EQ(r.size(), records[0].size());
  // The fingerprints cell is JSON with quotes and commas, quoted per RFC 4180.
  EXPECT_TRUE(boost::json::parse(records[1][13]).is_array());

  const auto jsonl = fixture.call(test::admin(), "/v1/exports/exposures.jsonl", {{"asn", "64496"}});
  ASSERT_EQ(jsonl.status, 200u);
  std::istringstream lines(jsonl.body);
  std::set<std::string> seen;
  for (std::string line; std::getline(lines, line);) {
    seen.insert(std::string(boost::json::parse(line).at("ip").as_string()));
  }
  EXPECT_EQ(seen, (std::set<std::string>{"198.19.0.20", "198.19.0.21"}));

  const auto shadow =
      fixture.call(test::admin(), "/v1/exports/exposures.csv", {{"columns", "shadowserver"}, {"port", "1723"}});
  const auto rows = parse_csv(shadow.body);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0],
            (std::vector<std::string>{"timestamp", "severity", "ip", "protocol", "port", "hostname", "tag", "asn",
                                      "geo", "device_vendor", "device_type", "device_model", "device_version"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"2026-04-13T00:10:00Z", "", "198.19.0.20", "pptp", "1723",
                                               "r20.sakura.example.jp", "vpn-on-consumer-router", "64496", "JP",
                                               "TP-Link", "router", "Archer C7", "5.0"}));
}

TEST(CsvWriter, QuotesPerRfc4180AndDefusesFormulas) {
  std::string out;
  CsvWriter csv(out);
  csv.text("plain").text("a,b").text("say \"hi\"").text("=HYPERLINK(\"x\")").text("+1").text("-2").text("@SUM(A1)");
  csv.number(-5).optional_number(std::nullopt).text("line\nbreak").end_record();
  EXPECT_EQ(out,
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"'=HYPERLINK(\"\"x\"\")\",\"'+1\",\"'-2\",\"'@SUM(A1)\",-5,,"
            "\"line\nbreak\"\r\n");
}

TEST_F(Endpoints, ResearchersExportPseudonymizedOnly) {
  EXPECT_EQ(fixture.call(test::researcher(), "/v1/exports/exposures.csv").status, 403u);
  EXPECT_EQ(fixture.call(test::researcher(), "/v1/exports/exposures.jsonl").status, 403u);

  const auto prefix = fixture.call(test::researcher(), "/v1/exports/exposures.jsonl", {{"pseudonymize", "prefix24"}});
  ASSERT_EQ(prefix.status, 200u) << prefix.body;
  std::istringstream lines(prefix.body);
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    const auto row = boost::json::parse(line);
    EXPECT_EQ(row.at("ip"), "198.19.0.0");
    EXPECT_TRUE(row.at("ptr").is_null());
  }
  EXPECT_EQ(count, 6);

  const auto hmac = fixture.call(test::researcher(), "/v1/exports/exposures.csv",
                                 {{"pseudonymize", "hmac"}, {"columns", "shadowserver"}});
  ASSERT_EQ(hmac.status, 200u) << hmac.body;
  const auto rows = parse_csv(hmac.body);
  ASSERT_EQ(rows.size(), 7u);
  std::set<std::string> pseudonyms;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i][2].size(), 32u);
    EXPECT_EQ(rows[i][2].find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_EQ(rows[i][5], "");  // no hostname
    pseudonyms.insert(rows[i][2]);
  }
  EXPECT_EQ(pseudonyms.size(), 5u);  // one per address, stable across its services
  // The same secret next time.
  const auto again = parse_csv(fixture
                                   .call(test::researcher(), "/v1/exports/exposures.csv",
                                         {{"pseudonymize", "hmac"}, {"columns", "shadowserver"}})
                                   .body);
  EXPECT_EQ(again[1][2], rows[1][2]);
  EXPECT_EQ(db::Pseudonymizer(db::Pseudonymization::prefix24, "").address("2001:db8:1:2:3::4"), "2001:db8:1::");
}

// An analyst key, whatever its constituency is made of, never sees a row
// outside it: every route, every export, with and without filters that
// point outside.
TEST_F(Endpoints, ConstituencyIsolationOnEveryRoute) {
  struct Scoped {
    const char* name;
    Constituency constituency;
    std::vector<std::string> inside;   // addresses it may see
    std::vector<std::string> outside;  // strings that must never appear
  };
  const std::vector<Scoped> analysts{
      {"asn",
       {{64496}, {}, {}},
       {"198.19.0.20", "198.19.0.21"},
       {"198.19.0.33", "198.19.0.10", "198.19.0.70", "ORG-KUMO", "ORG-MINATO", "ORG-RHEIN", "Kumo", "Minato", "Rhein",
        "64498", "64500", "64501"}},
      {"prefix",
       {{}, {"198.19.0.32/29"}, {}},
       {"198.19.0.33"},
       {"198.19.0.20", "198.19.0.21", "198.19.0.10", "198.19.0.70", "ORG-SAKURA", "ORG-MINATO", "ORG-RHEIN", "Sakura",
        "Minato", "Rhein", "64496", "64500", "64501"}},
      {"country",
       {{}, {}, {"DE"}},
       {"198.19.0.70"},
       {"198.19.0.20", "198.19.0.21", "198.19.0.33", "198.19.0.10", "ORG-SAKURA", "ORG-KUMO", "ORG-MINATO", "Sakura",
        "Kumo", "Minato", "64496", "64498", "64500"}},
      {"nothing", {}, {}, {"198.19.0.", "ORG-", "6449", "6450"}},
  };
  const std::vector<Query> probes{{},
                                  {{"asn", "64496"}, {"asn", "64498"}, {"asn", "64500"}, {"asn", "64501"}},
                                  {{"country", "JP"}},
                                  {{"prefix", "198.19.0.0/24"}},
                                  {{"by", "label"}, {"group", "asn"}},
                                  {{"port", "80"}, {"port", "1080"}, {"port", "1194"}, {"port", "1723"}},
                                  {{"columns", "shadowserver"}}};
  for (const auto& a : analysts) {
    const auto who = test::analyst(a.constituency);
    std::size_t visible = 0;
    for (const auto& route : fixture.registry().routes()) {
      if (route.access == Access::open) continue;  // the OpenAPI document names no data
      std::vector<std::string> paths{route.pattern};
      if (route.pattern.find("{ip}") != std::string::npos) {
        paths = {"/v1/hosts/198.19.0.20", "/v1/hosts/198.19.0.33", "/v1/hosts/198.19.0.10", "/v1/hosts/198.19.0.70"};
      } else if (route.pattern.find("{asn}") != std::string::npos) {
        paths = {"/v1/isps/64496", "/v1/isps/64498", "/v1/isps/64500", "/v1/isps/64501"};
      } else if (route.pattern.find("{id}") != std::string::npos) {
        paths = {"/v1/scans/" + std::to_string(first)};
      }
      for (const auto& path : paths) {
        for (const auto& probe : probes) {
          Query query;
          std::set<std::string> accepted;
          for (const auto& spec : route.params) accepted.insert(spec.name);
          for (const auto& [k, v] : probe) {
            if (accepted.contains(k)) query.emplace_back(k, v);
          }
          const auto reply = fixture.call(who, path, query);
          ASSERT_LT(reply.status, 500u) << a.name << " " << path;
          for (const auto& secret : a.outside) {
            // A 404 names what was asked for; that is no leak.
            if (path.find(secret) != std::string::npos) continue;
            EXPECT_EQ(reply.body.find(secret), std::string::npos)
                << a.name << " analyst sees " << secret << " in " << path << ": " << reply.body.substr(0, 400);
          }
          for (const auto& ip : a.inside) visible += reply.body.find(ip) != std::string::npos;
        }
      }
    }
    // It does see its own.
    if (!a.inside.empty()) {
      EXPECT_GT(visible, 0u) << a.name;
    }
  }
}

// Against every route `fumidai serve` has, the server's own included.
TEST_F(Endpoints, OpenApiDocumentMatchesTheRoutes) {
  ManualClock clock;
  ResponseCache cache(clock, Nanos{0}, 0);
  ServerMetrics metrics;
  RouteRegistry registry;
  register_api_routes(registry, metrics, cache, campaigns::CampaignService::load({}, clock).value());
  const auto reply = fixture.call(test::admin(), "/v1/openapi.json");
  ASSERT_EQ(reply.status, 200u);
  const auto document = reply.json().as_object();
  EXPECT_EQ(document.at("openapi"), "3.0.3");
  std::set<std::string> documented;
  for (const auto& [path, item] : document.at("paths").as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      std::string upper(method);
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(upper + " " + std::string(path));
      std::set<std::string> query_params;
      for (const auto& p : operation.at("parameters").as_array()) {
        if (p.at("in") == "query") query_params.insert(std::string(p.at("name").as_string()));
      }
      const auto found = registry.find(upper, std::string(path));
      ASSERT_TRUE(found.match) << upper << " " << path;
      std::set<std::string> declared;
      for (const auto& spec : found.match->route->params) declared.insert(spec.name);
      EXPECT_EQ(query_params, declared) << upper << " " << path;
    }
  }
  std::set<std::string> registered;
  for (const auto& route : registry.routes()) registered.insert(route.method + " " + route.pattern);
  EXPECT_EQ(documented, registered);
}

}  // namespace
}  // namespace fumidai::api
