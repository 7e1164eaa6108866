// finalize_scan(), service_changes(), hijack_signals() and host_history()
// (db/migrations/0002_history.sql) on observations written with SQL.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "ScanFixture.h"
#include "TestDatabase.h"

namespace fumidai::test {
namespace {

const Fingerprint kRouter{"router", "mikrotik-routeros-webfig", "MikroTik", "RouterOS", "6.49"};
const Fingerprint kPanel{"admin-panel", "mikrotik-webfig-panel", "MikroTik", "RouterOS WebFig", ""};
const Fingerprint kPptp{"vpn", "mikrotik-pptp-server", "MikroTik", "RouterOS PPTP server", ""};
const Fingerprint kYamaha{"router", "yamaha-rtx1210", "Yamaha", "RTX1210", "14.01"};
const Fingerprint kSslVpn{"vpn", "fortinet-fortigate-sslvpn", "Fortinet", "FortiGate SSL VPN", ""};
const Fingerprint kSocks{"proxy", "socks5-proxy", "Unknown", "SOCKS5 proxy", ""};
const Fingerprint kLighttpd{"other", "lighttpd", "lighttpd", "lighttpd", ""};
const Fingerprint kNginx{"other", "nginx", "nginx", "nginx", ""};

Observation service(std::string ip, int port, std::vector<Fingerprint> fingerprints = {},
                    std::vector<std::string> labels = {}) {
  Observation o;
  o.ip = std::move(ip);
  o.port = port;
  o.fingerprints = std::move(fingerprints);
  o.labels = std::move(labels);
  return o;
}

Observation with(Observation o, std::string protocol, std::string status = "success",
                 std::string transport = "tcp") {
  o.protocol = std::move(protocol);
  o.status = std::move(status);
  o.transport = std::move(transport);
  return o;
}

// Four weekly scans of 10.0.0.0/24 (the third only of 10.0.0.0/29, the
// fourth with unknown targets: it covers only the addresses it has records
// of) and the services each saw.
struct FourScans {
  explicit FourScans(ScanFixture& f) {
    ids.push_back(f.scan({"2026-01-05T00:00:00Z", {"10.0.0.0/24"}, {80, 443, 1723}, {1701}}));
    ids.push_back(f.scan({"2026-01-12T00:00:00Z", {"10.0.0.0/24"}, {80, 443, 1723}, {1701}}));
    ids.push_back(f.scan({"2026-01-19T00:00:00Z", {"10.0.0.0/29"}, {80, 443, 1723}, {1701}}));
    ids.push_back(f.scan({"2026-02-02T00:00:00Z", {}, {80, 443, 1723}, {1701}}));
    f.observe(ids[0], {service("10.0.0.1", 80, {kPanel, kRouter}, {"admin-panel-exposed"}),
                       with(service("10.0.0.2", 443), "https"), service("10.0.0.3", 80, {kLighttpd}),
                       service("10.0.0.200", 80)});
    f.observe(ids[1], {service("10.0.0.1", 80, {kPanel, kRouter}, {"admin-panel-exposed"}),
                       with(service("10.0.0.2", 443), "https", "closed"),
                       with(service("10.0.0.4", 1701), "l2tp", "success", "udp")});
    f.observe(ids[2], {service("10.0.0.1", 80, {kPanel}, {"admin-panel-exposed"}),
                       with(service("10.0.0.1", 1723, {kPptp}, {"vpn-on-consumer-router"}), "pptp"),
                       with(service("10.0.0.2", 443), "https"), service("10.0.0.3", 80, {kLighttpd})});
    f.observe(ids[3], {service("10.0.0.1", 80, {kPanel}, {"admin-panel-exposed"}),
                       with(service("10.0.0.1", 1723, {kPptp}, {"vpn-on-consumer-router"}), "pptp"),
                       with(service("10.0.0.3", 443), "https", "connection-refused"), service("10.0.0.200", 80)});
  }
  std::vector<std::int64_t> ids;
};

struct ServiceState {
  bool current;
  std::int64_t first_scan, last_scan;
  std::optional<std::int64_t> gone_scan;
  bool operator==(const ServiceState&) const = default;
};

std::map<std::string, ServiceState> service_states(ScanFixture& f) {
  std::map<std::string, ServiceState> out;
  for (const auto& row : f.query("SELECT host(ip) || ':' || port || '/' || transport, current, first_scan_id, "
                                 "last_scan_id, gone_scan_id FROM host_services")) {
    out[row[0].as<std::string>()] = ServiceState{row[1].as<bool>(), row[2].as<std::int64_t>(),
                                                 row[3].as<std::int64_t>(),
                                                 row[4].is_null() ? std::nullopt
                                                                  : std::optional(row[4].as<std::int64_t>())};
  }
  return out;
}

TEST(FinalizeScan, FoldsTheLatestStatePerServiceAndHost) {
  TestDatabase database;
  ScanFixture f(database);
  FourScans scans(f);
  for (const auto id : scans.ids) f.finalize(id);
  const auto& s = scans.ids;
  const std::map<std::string, ServiceState> expected{
      {"10.0.0.1:80/tcp", {true, s[0], s[3], std::nullopt}},
      {"10.0.0.1:1723/tcp", {true, s[2], s[3], std::nullopt}},
      // Scan 2 answered closed, scan 3 saw it again; scan 4 has no record
      // of 10.0.0.2, and its targets are unknown: not covered, still current.
      {"10.0.0.2:443/tcp", {true, s[0], s[2], std::nullopt}},
      // Scan 2 did not see it, scan 3 did; scan 4 reached 10.0.0.3 (a refused
      // port 443) and did not see port 80.
      {"10.0.0.3:80/tcp", {false, s[0], s[2], s[3]}},
      {"10.0.0.4:1701/udp", {false, s[1], s[1], s[2]}},
      // Gone in scan 2; scan 3 did not cover it; back in scan 4.
      {"10.0.0.200:80/tcp", {true, s[0], s[3], std::nullopt}},
  };
  EXPECT_EQ(service_states(f), expected);

  const auto host = f.query(
      "SELECT router_vendor, router_product, router_version, array_to_string(categories, ','), "
      "       array_to_string(labels, ','), services, first_scan_id, last_scan_id, asn, org_id "
      "FROM hosts WHERE ip = '10.0.0.1'");
  ASSERT_EQ(host.size(), 1u);
  // Scans 3 and 4 no longer name the router: it stays known from scan 2.
  EXPECT_EQ(host[0][0].as<std::string>(), "MikroTik");
  EXPECT_EQ(host[0][1].as<std::string>(), "RouterOS");
  EXPECT_EQ(host[0][2].as<std::string>(), "6.49");
  EXPECT_EQ(host[0][3].as<std::string>(), "admin-panel,vpn");
  EXPECT_EQ(host[0][4].as<std::string>(), "admin-panel-exposed,vpn-on-consumer-router");
  EXPECT_EQ(host[0][5].as<int>(), 2);
  EXPECT_EQ(host[0][6].as<std::int64_t>(), s[0]);
  EXPECT_EQ(host[0][7].as<std::int64_t>(), s[3]);
  EXPECT_EQ(host[0][8].as<std::int64_t>(), 64500);
  EXPECT_EQ(host[0][9].as<std::string>(), "ORG-A");
  EXPECT_EQ(database.scalar<int>("SELECT services FROM hosts WHERE ip = '10.0.0.4'"), 0);
  EXPECT_EQ(database.scalar<int>("SELECT count(*) FROM hosts"), 5);
  EXPECT_EQ(database.scalar<int>("SELECT count(*) FROM scans WHERE finalized IS NULL"), 0);
  EXPECT_EQ(database.scalar<std::int64_t>("SELECT latest_scan_id()"), s[3]);
}

TEST(FinalizeScan, IsIdempotent) {
  TestDatabase database;
  ScanFixture f(database);
  FourScans scans(f);
  for (const auto id : scans.ids) f.finalize(id);
  const std::string state = f.folded_state();
  const std::string finalized = database.scalar<std::string>("SELECT string_agg(finalized::text, ',' ORDER BY id) FROM scans");
  for (const auto index : {1, 3, 0, 2, 3}) f.finalize(scans.ids[index]);
  EXPECT_EQ(f.folded_state(), state);
  EXPECT_EQ(database.scalar<std::string>("SELECT string_agg(finalized::text, ',' ORDER BY id) FROM scans"), finalized);
}

TEST(FinalizeScan, AnyOrderGivesTheSameState) {
  TestDatabase database;
  ScanFixture f(database);
  FourScans scans(f);
  for (const auto id : scans.ids) f.finalize(id);
  const std::string in_order = f.folded_state();
  ASSERT_NE(in_order.find("10.0.0.3"), std::string::npos);

  std::vector<int> order{0, 1, 2, 3};
  int permutations = 0;
  while (std::next_permutation(order.begin(), order.end())) {
    database.exec("TRUNCATE host_services, hosts, scan_exposure; UPDATE scans SET finalized = NULL");
    for (const int index : order) f.finalize(scans.ids[index]);
    EXPECT_EQ(f.folded_state(), in_order) << "order " << order[0] << order[1] << order[2] << order[3];
    ++permutations;
  }
  EXPECT_EQ(permutations, 23);
}

TEST(FinalizeScan, AnOlderScanIngestedLateDoesNotOverwriteANewerState) {
  TestDatabase database;
  ScanFixture f(database);
  FourScans scans(f);
  const auto& s = scans.ids;
  // Scans 1, 2 and 4 first: 10.0.0.3:80 was seen by 1 and gone by 2. Then
  // scan 3 arrives, which saw it: it was back, and gone again by scan 4.
  for (const int index : {0, 1, 3}) f.finalize(s[index]);
  EXPECT_EQ(service_states(f).at("10.0.0.3:80/tcp"), (ServiceState{false, s[0], s[0], s[1]}));
  f.finalize(s[2]);
  EXPECT_EQ(service_states(f).at("10.0.0.3:80/tcp"), (ServiceState{false, s[0], s[2], s[3]}));
  // Scan 3's view of 10.0.0.1:80 (no router fingerprint) is older than
  // scan 4's: the protocol and fingerprints are scan 4's.
  EXPECT_EQ(database.scalar<std::int64_t>("SELECT last_scan_id FROM host_services WHERE ip = '10.0.0.1' AND port = 80"),
            s[3]);
}

TEST(FinalizeScan, RefusesAnUnknownScan) {
  TestDatabase database;
  try {
    database.exec("SELECT finalize_scan(42)");
    FAIL() << "finalize_scan(42) succeeded";
  } catch (const pqxx::sql_error& e) {
    EXPECT_EQ(e.sqlstate(), "22023");
    EXPECT_NE(std::string(e.what()).find("no scan 42"), std::string::npos) << e.what();
  }
}

TEST(FinalizeScan, CountsExposuresPerScan) {
  TestDatabase database;
  ScanFixture f(database);
  FourScans scans(f);
  for (const auto id : scans.ids) f.finalize(id);
  const auto id = std::to_string(scans.ids[2]);
  // Scan 3 saw 10.0.0.1:80 (admin panel), 10.0.0.1:1723 (vpn), 10.0.0.2:443, 10.0.0.3:80 (other).
  EXPECT_EQ(database.scalar<std::string>("SELECT services || '/' || hosts FROM scan_exposure WHERE scan_id = " + id +
                                         " AND kind = 'service'"),
            "4/3");
  EXPECT_EQ(database.scalar<std::string>(
                "SELECT string_agg(name || '=' || services || '/' || hosts, ',' ORDER BY name) FROM scan_exposure "
                "WHERE scan_id = " + id + " AND kind = 'category'"),
            "admin-panel=1/1,other=1/1,vpn=1/1");
  EXPECT_EQ(database.scalar<std::string>(
                "SELECT string_agg(name || '=' || hosts, ',' ORDER BY name) FROM scan_exposure "
                "WHERE scan_id = " + id + " AND kind = 'label'"),
            "admin-panel-exposed=1,vpn-on-consumer-router=1");
  EXPECT_EQ(database.scalar<std::string>(
                "SELECT string_agg(vendor || ' ' || name || ' ' || category, ',' ORDER BY name) FROM scan_exposure "
                "WHERE scan_id = " + id + " AND kind = 'product'"),
            "MikroTik RouterOS PPTP server vpn,MikroTik RouterOS WebFig admin-panel,lighttpd lighttpd other");
  // A refused or closed port is not an exposure.
  EXPECT_EQ(database.scalar<std::string>("SELECT services || '/' || hosts FROM scan_exposure WHERE scan_id = " +
                                         std::to_string(scans.ids[1]) + " AND kind = 'service'"),
            "2/2");
}

using Change = std::tuple<std::string, int, std::string, std::string>;  // ip, port, transport, change

std::set<Change> changes(ScanFixture& f, std::int64_t a, std::int64_t b) {
  std::set<Change> out;
  for (const auto& row : f.query(fmt::format("SELECT host(ip), port, transport, change FROM service_changes({}, {})", a, b))) {
    out.emplace(row[0].as<std::string>(), row[1].as<int>(), row[2].as<std::string>(), row[3].as<std::string>());
  }
  return out;
}

TEST(ServiceChanges, AppearedDisappearedAndChangedWithinBothScansCoverage) {
  TestDatabase database;
  ScanFixture f(database);
  const auto a = f.scan({"2026-03-02T00:00:00Z", {"10.0.0.0/24"}, {80, 443, 1723}, {1701}});
  const auto b = f.scan({"2026-03-09T00:00:00Z", {"10.0.0.0/25"}, {80, 443}, {1701}});
  f.observe(a, {service("10.0.0.1", 80, {kLighttpd}), with(service("10.0.0.1", 443), "https"),
                service("10.0.0.2", 80, {kLighttpd}), service("10.0.0.3", 80, {kPanel}, {"admin-panel-exposed"}),
                service("10.0.0.4", 80), service("10.0.0.5", 80),
                with(service("10.0.0.7", 1723, {kPptp}), "pptp"), service("10.0.0.200", 80),
                with(service("10.0.0.10", 1701), "l2tp", "success", "udp")});
  f.observe(b, {service("10.0.0.1", 80, {kLighttpd}), with(service("10.0.0.1", 443, {kSslVpn}), "sslvpn"),
                service("10.0.0.2", 80, {kNginx}), service("10.0.0.3", 80, {kPanel}, {"eol-model"}),
                with(service("10.0.0.5", 80), "http", "connection-refused"), service("10.0.0.6", 80),
                with(service("10.0.0.9", 1701), "l2tp", "success", "udp"),
                with(service("10.0.0.10", 1701), "l2tp", "success", "udp")});
  // Changes are read from the observations: finalizing is not needed.
  const std::set<Change> forward{
      {"10.0.0.1", 443, "tcp", "changed"},      // protocol https -> sslvpn, and a new fingerprint
      {"10.0.0.2", 80, "tcp", "changed"},       // rule ids
      {"10.0.0.3", 80, "tcp", "changed"},       // labels
      {"10.0.0.4", 80, "tcp", "disappeared"},   // not seen
      {"10.0.0.5", 80, "tcp", "disappeared"},   // refused
      {"10.0.0.6", 80, "tcp", "appeared"},
      {"10.0.0.9", 1701, "udp", "appeared"},
      // Not reported: 10.0.0.7:1723 (scan b did not probe 1723) and
      // 10.0.0.200 (outside scan b's targets); 10.0.0.1:80, 10.0.0.10:1701
      // are unchanged.
  };
  EXPECT_EQ(changes(f, a, b), forward);
  const std::set<Change> backward{
      {"10.0.0.1", 443, "tcp", "changed"}, {"10.0.0.2", 80, "tcp", "changed"},
      {"10.0.0.3", 80, "tcp", "changed"},  {"10.0.0.4", 80, "tcp", "appeared"},
      {"10.0.0.5", 80, "tcp", "appeared"}, {"10.0.0.6", 80, "tcp", "disappeared"},
      {"10.0.0.9", 1701, "udp", "disappeared"},
  };
  EXPECT_EQ(changes(f, b, a), backward);

  const auto changed = f.query(fmt::format(
      "SELECT protocol_a, protocol_b, array_to_string(rule_ids_a, ','), array_to_string(rule_ids_b, ',') "
      "FROM service_changes({}, {}) WHERE ip = '10.0.0.1' AND port = 443", a, b));
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0][0].as<std::string>(), "https");
  EXPECT_EQ(changed[0][1].as<std::string>(), "sslvpn");
  EXPECT_EQ(changed[0][2].as<std::string>(), "");
  EXPECT_EQ(changed[0][3].as<std::string>(), "fortinet-fortigate-sslvpn");
}

TEST(ServiceChanges, AScanWithUnknownTargetsCoversOnlyTheAddressesItReached) {
  TestDatabase database;
  ScanFixture f(database);
  const auto a = f.scan({"2026-03-02T00:00:00Z", {"10.0.0.0/24"}, {80, 443}, {}});
  const auto c = f.scan({"2026-03-09T00:00:00Z", {}, {80, 443}, {}});
  f.observe(a, {service("10.0.0.1", 80), service("10.0.0.4", 80), service("10.0.0.5", 80)});
  f.observe(c, {service("10.0.0.1", 80), with(service("10.0.0.5", 443), "https", "closed")});
  // 10.0.0.4: scan c has no record of it, so nothing is known; 10.0.0.5: it
  // reached the address (a closed port), and port 80 was not open.
  EXPECT_EQ(changes(f, a, c), (std::set<Change>{{"10.0.0.5", 80, "tcp", "disappeared"}}));
}

TEST(ServiceChanges, RefusesAnUnknownScan) {
  TestDatabase database;
  ScanFixture f(database);
  const auto a = f.scan({"2026-03-02T00:00:00Z", {"10.0.0.0/24"}, {80}, {}});
  EXPECT_THROW(database.exec(fmt::format("SELECT * FROM service_changes({}, 999)", a)), pqxx::sql_error);
}

TEST(HijackSignals, AVpnOrProxyAppearingOnAKnownRouter) {
  TestDatabase database;
  ScanFixture f(database);
  const auto earlier = f.scan({"2026-02-23T00:00:00Z", {"10.0.0.0/24"}, {80, 443, 1080, 1723}, {}});
  const auto a = f.scan({"2026-03-02T00:00:00Z", {"10.0.0.0/24"}, {80, 443, 1080, 1723}, {}});
  const auto b = f.scan({"2026-03-09T00:00:00Z", {"10.0.0.0/24"}, {80, 443, 1080, 1723}, {}});
  // 10.0.0.6 is a router only by an earlier scan's fingerprint, folded into hosts.
  f.observe(earlier, {service("10.0.0.6", 80, {kPanel, kRouter})});
  f.observe(a, {service("10.0.0.1", 80, {kPanel, kRouter}), service("10.0.0.2", 80, {kLighttpd}),
                with(service("10.0.0.3", 443, {kPanel, kRouter}), "https"), service("10.0.0.4", 80, {kPanel, kRouter}),
                with(service("10.0.0.7", 1723, {kPptp}), "pptp"), service("10.0.0.7", 80, {kPanel, kRouter})});
  f.observe(b, {service("10.0.0.1", 80, {kPanel, kRouter}),
                with(service("10.0.0.1", 1723, {kPptp}, {"vpn-on-consumer-router"}), "pptp"),
                service("10.0.0.2", 80, {kLighttpd}), with(service("10.0.0.2", 1723, {kPptp}), "pptp"),
                with(service("10.0.0.3", 443, {kSslVpn}), "sslvpn"), service("10.0.0.4", 80, {kPanel, kRouter}),
                with(service("10.0.0.4", 1080, {kSocks}, {"open-proxy"}), "socks5"),
                with(service("10.0.0.5", 1723, {kYamaha, kPptp}), "pptp"),
                with(service("10.0.0.6", 1723, {kPptp}), "pptp"),
                with(service("10.0.0.7", 1723, {kPptp}), "pptp"), service("10.0.0.7", 80, {kPanel, kRouter})});
  for (const auto id : {earlier, a, b}) f.finalize(id);

  std::map<std::string, std::string> signals;
  for (const auto& row : f.query(fmt::format(
           "SELECT host(ip) || ':' || port, change || ' ' || category || ' ' || rule_id || ' on ' || router_vendor || "
           "       ' ' || router_product FROM hijack_signals({}, {})", a, b))) {
    signals[row[0].as<std::string>()] = row[1].as<std::string>();
  }
  const std::map<std::string, std::string> expected{
      {"10.0.0.1:1723", "appeared vpn mikrotik-pptp-server on MikroTik RouterOS"},
      // The admin panel on 443 became an SSL VPN portal.
      {"10.0.0.3:443", "changed vpn fortinet-fortigate-sslvpn on MikroTik RouterOS"},
      {"10.0.0.4:1080", "appeared proxy socks5-proxy on MikroTik RouterOS"},
      // The PPTP server names the router itself.
      {"10.0.0.5:1723", "appeared vpn mikrotik-pptp-server on Yamaha RTX1210"},
      {"10.0.0.6:1723", "appeared vpn mikrotik-pptp-server on MikroTik RouterOS"},
      // Not: 10.0.0.2 (no router), 10.0.0.7 (its VPN was there before).
  };
  EXPECT_EQ(signals, expected);
  EXPECT_EQ(database.scalar<int>(fmt::format("SELECT count(*) FROM hijack_signals({}, {})", b, a)), 0);
}

TEST(HostHistory, EachCoveringScanWithItsChanges) {
  TestDatabase database;
  ScanFixture f(database);
  FourScans scans(f);
  for (const auto id : scans.ids) f.finalize(id);
  auto history = [&](const std::string& ip) {
    std::vector<std::string> out;
    for (const auto& row : f.query("SELECT scan_id, port, change FROM host_history('" + ip + "')")) {
      const auto scan = std::find(scans.ids.begin(), scans.ids.end(), row[0].as<std::int64_t>()) - scans.ids.begin();
      out.push_back(fmt::format("{}:{} {}", scan + 1, row[1].as<int>(), row[2].as<std::string>()));
    }
    return out;
  };
  EXPECT_EQ(history("10.0.0.1"), (std::vector<std::string>{"1:80 new", "2:80 unchanged", "3:80 changed",
                                                           "3:1723 appeared", "4:80 unchanged", "4:1723 unchanged"}));
  EXPECT_EQ(history("10.0.0.3"),
            (std::vector<std::string>{"1:80 new", "2:80 disappeared", "3:80 appeared", "4:80 disappeared"}));
  // Scan 3 did not cover 10.0.0.200; scan 4 (unknown targets) reached it.
  EXPECT_EQ(history("10.0.0.200"), (std::vector<std::string>{"1:80 new", "2:80 disappeared", "4:80 appeared"}));
  EXPECT_TRUE(history("10.0.0.99").empty());
}

}  // namespace
}  // namespace fumidai::test
