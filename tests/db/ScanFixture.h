#pragma once
// Scans and observations written straight into a TestDatabase with SQL, as
// the ingest path leaves them (services with their fingerprint and label
// arrays, fingerprint_matches, service_labels, attribution), for the tests
// of finalize_scan() and the history functions.
// Contract: borrows the TestDatabase; one connection, not thread-safe.
#include <fmt/format.h>

#include <boost/json.hpp>
#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "TestDatabase.h"

namespace fumidai::test {

struct Fingerprint {
  std::string category;
  std::string id;
  std::string vendor;
  std::string product;
  std::string version;
};

struct Observation {
  std::string ip;
  int port = 0;
  std::string transport = "tcp";
  std::string protocol = "http";
  std::string status = "success";
  std::vector<Fingerprint> fingerprints;
  std::vector<std::string> labels;
  std::int64_t asn = 64500;
  std::string org_id = "ORG-A";
  std::string org_name = "Org A";
  std::string country = "JP";
};

struct ScanSpec {
  std::string started;               // ISO 8601
  std::vector<std::string> targets;  // CIDRs; empty: unknown
  std::vector<int> ports{80, 443, 1723};
  std::vector<int> udp_ports{};
};

// The lab's networks (lab/attribution/README.md), for observations that the
// imported attribution agrees with.
struct Isp {
  std::int64_t asn;
  const char* org_id;
  const char* org_name;
  const char* country;
};
inline const Isp kSakura{64496, "ORG-SAKURA-JPNIC", "Sakura Hikari Net K.K.", "JP"};     // 198.19.0.16/28
inline const Isp kKumo{64498, "ORG-KUMO-JPNIC", "Kumo Broadband, Inc.", "JP"};           // 198.19.0.32/29
inline const Isp kMinato{64500, "ORG-MINATO-JPNIC", "Minato Business Link K.K.", "JP"};  // 198.19.0.0/26 less those
inline const Isp kRhein{64501, "ORG-RHEIN-RIPE", "Rhein Telecom GmbH", "DE"};            // 198.19.0.64/27

inline const Fingerprint kTplinkRouter{"router", "tplink-archer-c7", "TP-Link", "Archer C7", "5.0"};
inline const Fingerprint kTplinkPptp{"vpn", "router-pptp-server", "TP-Link", "PPTP server", ""};

// A service of `isp` seen at ip:port.
inline Observation at(const Isp& isp, std::string ip, int port, std::vector<Fingerprint> fingerprints,
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

// A TP-Link router of `isp` with its PPTP server switched on.
inline Observation vpn_router(const Isp& isp, std::string ip) {
  return at(isp, std::move(ip), 1723, {kTplinkRouter, kTplinkPptp}, {"vpn-on-consumer-router"}, "pptp");
}

class ScanFixture {
 public:
  explicit ScanFixture(const TestDatabase& database) : connection_(database.conninfo()) {}

  std::int64_t scan(const ScanSpec& spec) {
    pqxx::work tx(connection_);
    tx.exec_params("SELECT ensure_scan_partitions($1::timestamptz)", spec.started);
    const auto id = tx.exec_params1(
                          "INSERT INTO scans (uid, name, started, finished, ports, udp_ports, targets, tool_version) "
                          "VALUES ($1, 'test', $2::timestamptz, $2::timestamptz + interval '1 hour', $3::integer[], "
                          "        $4::integer[], $5::cidr[], 'test') RETURNING id",
                          fmt::format("scan-{}", ++scans_), spec.started, array(spec.ports), array(spec.udp_ports),
                          array(spec.targets))[0]
                        .as<std::int64_t>();
    tx.commit();
    return id;
  }

  void observe(std::int64_t scan_id, const std::vector<Observation>& observations) {
    pqxx::work tx(connection_);
    for (const auto& o : observations) {
      boost::json::array fingerprints;
      std::vector<std::string> categories;
      for (const auto& f : o.fingerprints) {
        boost::json::object fp{{"id", f.id},
                               {"source", "fumidai"},
                               {"category", f.category},
                               {"vendor", f.vendor},
                               {"product", f.product}};
        if (!f.version.empty()) fp["version"] = f.version;
        fingerprints.push_back(std::move(fp));
        categories.push_back(f.category);
      }
      tx.exec_params(
          "INSERT INTO services (scan_id, scan_started, ip, port, transport, protocol, status, seen_at, fingerprints, "
          "                      categories, labels, asn, org_id, org_name, country) "
          "SELECT id, started, $2::inet, $3, $4, $5, $6, started + interval '10 minutes', $7::jsonb, $8::text[], "
          "       $9::text[], $10, $11, $12, $13 FROM scans WHERE id = $1",
          scan_id, o.ip, o.port, o.transport, o.protocol, o.status, boost::json::serialize(fingerprints),
          array(categories), array(o.labels), o.asn, o.org_id, o.org_name, o.country);
      for (const auto& f : o.fingerprints) {
        tx.exec_params(
            "INSERT INTO fingerprint_matches (scan_id, scan_started, ip, port, transport, category, rule_id, source, "
            "                                 vendor, product, version) "
            "SELECT id, started, $2::inet, $3, $4, $5, $6, 'fumidai', $7, $8, nullif($9, '') FROM scans WHERE id = $1",
            scan_id, o.ip, o.port, o.transport, f.category, f.id, f.vendor, f.product, f.version);
      }
      for (const auto& label : o.labels) {
        tx.exec_params(
            "INSERT INTO service_labels (scan_id, scan_started, ip, port, transport, label, severity) "
            "SELECT id, started, $2::inet, $3, $4, $5, 'high' FROM scans WHERE id = $1",
            scan_id, o.ip, o.port, o.transport, label);
      }
    }
    tx.commit();
  }

  void finalize(std::int64_t scan_id) {
    pqxx::work tx(connection_);
    tx.exec_params("SELECT finalize_scan($1)", scan_id);
    tx.commit();
  }

  // Every row of the folded state and the per-scan counts, as text, for
  // comparing two folds.
  std::string folded_state() {
    pqxx::nontransaction tx(connection_);
    std::string out;
    for (const char* query : {"SELECT string_agg(t::text, E'\\n' ORDER BY t::text) FROM host_services t",
                              "SELECT string_agg(t::text, E'\\n' ORDER BY t::text) FROM hosts t",
                              "SELECT string_agg(t::text, E'\\n' ORDER BY t::text) FROM scan_exposure t"}) {
      const auto field = tx.exec1(query)[0];
      out += (field.is_null() ? std::string() : field.as<std::string>()) + "\n--\n";
    }
    return out;
  }

  pqxx::result query(const std::string& sql) {
    pqxx::nontransaction tx(connection_);
    return tx.exec(sql);
  }

  // A PostgreSQL array literal of the values (each quoted).
  template <class T>
  static std::string array(const std::vector<T>& values) {
    std::string out = "{";
    for (const auto& v : values) {
      if (out.size() > 1) out += ',';
      out += fmt::format("\"{}\"", v);
    }
    return out + "}";
  }

 private:
  pqxx::connection connection_;
  int scans_ = 0;
};

}  // namespace fumidai::test
