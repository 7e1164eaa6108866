// FingerprintEngine and ScanBatch: sources in order, end of life, labels over
// fp.* and host.fp.*, the JSON a record gets, statistics, and the batch form
// that groups a scan's records by address. Sources are small fakes or a
// RuleDatabase from inline YAML; the records are the lab's
// (data/fingerprints/lab-records.jsonl).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "fumidai/fingerprints/EolList.h"
#include "fumidai/fingerprints/FingerprintEngine.h"
#include "fumidai/fingerprints/LabelSet.h"
#include "fumidai/fingerprints/RecordFields.h"
#include "fumidai/fingerprints/RuleDatabase.h"
#include "fumidai/fingerprints/ScanBatch.h"

namespace fumidai::fingerprints {
namespace {

namespace json = boost::json;

// Names what its function says for any record.
class FakeSource final : public FingerprintSource {
 public:
  using Rule = std::function<void(const FieldSet&, std::vector<Fingerprint>&, std::uint64_t&)>;
  FakeSource(std::string name, Rule rule) : name_(std::move(name)), rule_(std::move(rule)) {}
  std::string_view name() const override { return name_; }
  void match(const FieldSet& fields, MatchScratch&, std::vector<Fingerprint>& out,
             std::uint64_t& limit_hits) const override {
    rule_(fields, out, limit_hits);
  }

 private:
  std::string name_;
  Rule rule_;
};

Fingerprint fingerprint(std::string id, std::string category, std::string vendor, std::string product) {
  Fingerprint f;
  f.id = std::move(id);
  f.source = "fake";
  f.category = std::move(category);
  f.vendor = std::move(vendor);
  f.product = std::move(product);
  f.confidence = 80;
  return f;
}

constexpr std::string_view kRules = R"(rules:
  - id: tplink-archer-c7
    category: router
    vendor: TP-Link
    product: Archer C7
    device: router
    cpe: "cpe:2.3:h:tp-link:archer_c7:-:*:*:*:*:*:*:*"
    confidence: 90
    match: {field: http.realm, regex: 'TP-LINK Wireless Dual Band Gigabit Router Archer C7'}
    examples:
      - fields: {http.realm: TP-LINK Wireless Dual Band Gigabit Router Archer C7}
        expect: {vendor: TP-Link, product: Archer C7}
  - id: mikrotik-routeros-web
    category: router
    vendor: MikroTik
    product: RouterOS
    device: router
    confidence: 85
    match: {field: http.title, prefix: RouterOS router configuration page}
    examples:
      - fields: {http.title: RouterOS router configuration page}
        expect: {vendor: MikroTik}
  - id: mikrotik-pptp
    category: vpn
    vendor: MikroTik
    product: RouterOS PPTP server
    device: router
    confidence: 80
    match:
      all:
        - {field: pptp.vendor, equals: MikroTik}
        - {field: service.protocol, equals: pptp}
    examples:
      - fields: {pptp.vendor: MikroTik, service.protocol: pptp}
        expect: {category: vpn}
  - id: mikrotik-l2tp
    category: vpn
    vendor: MikroTik
    product: RouterOS L2TP server
    confidence: 80
    match: {field: l2tp.vendor, equals: MikroTik}
    examples:
      - fields: {l2tp.vendor: MikroTik}
        expect: {category: vpn}
)";

constexpr std::string_view kLabels = R"(labels:
  - id: vpn-on-consumer-router
    severity: high
    title: VPN server on a consumer router
    advice: Switch it off unless you set it up.
    when:
      all:
        - {field: fp.category, equals: vpn}
        - {field: host.fp.category, equals: router}
    examples:
      - fields: {fp.category: vpn, host.fp.category: [vpn, router]}
        expect: true
      - fields: {fp.category: vpn, host.fp.category: vpn}
        expect: false
  - id: admin-panel-exposed
    severity: medium
    title: Administration page on the internet
    advice: Turn off remote management.
    when:
      all:
        - {field: fp.category, equals: router}
        - {field: service.protocol, equals: http}
    examples:
      - fields: {fp.category: router, service.protocol: http}
        expect: true
      - fields: {fp.category: router, service.protocol: pptp}
        expect: false
  - id: eol-model
    severity: medium
    title: End-of-life model
    advice: Replace it.
    when: {field: fp.eol, equals: "true"}
    examples:
      - fields: {fp.eol: "true"}
        expect: true
      - fields: {fp.category: router}
        expect: false
)";

constexpr std::string_view kEol = R"(eol:
  - vendor: tp-link
    product: ARCHER C7
    date: "2024-06"
    source: "https://vendor.invalid/eol/archer-c7"
)";

std::shared_ptr<const LabelSet> labels() {
  auto set = LabelSet::load(kLabels, "labels.yaml");
  EXPECT_TRUE(set) << set.error().message;
  return std::make_shared<LabelSet>(std::move(*set));
}

std::shared_ptr<const EolList> eol() {
  auto list = EolList::load(kEol, "eol.yaml");
  EXPECT_TRUE(list) << list.error().message;
  return std::make_shared<EolList>(std::move(*list));
}

std::shared_ptr<const RuleDatabase> rules() {
  auto db = RuleDatabase::load({{"rules/test.yaml", std::string(kRules)}});
  EXPECT_TRUE(db) << db.error().message;
  return std::make_shared<RuleDatabase>(std::move(*db));
}

const std::vector<json::object>& lab_records() {
  static const std::vector<json::object> records = [] {
    std::vector<json::object> out;
    std::ifstream in(std::string(FUMIDAI_TEST_DATA_DIR) + "/fingerprints/lab-records.jsonl");
    std::string line;
    while (std::getline(in, line)) out.push_back(json::parse(line).as_object());
    return out;
  }();
  return records;
}

json::object lab_record(std::string_view ip, std::int64_t port) {
  for (const json::object& r : lab_records())
    if (r.at("ip").as_string() == ip && r.at("port").as_int64() == port) return r;
  ADD_FAILURE() << "no lab record " << ip << ":" << port;
  return {};
}

std::vector<std::string> strings(const json::value& list, std::string_view key) {
  std::vector<std::string> out;
  for (const json::value& v : list.as_array()) out.emplace_back(v.as_object().at(key).as_string());
  return out;
}

using Strings = std::vector<std::string>;

TEST(FingerprintEngine, SourcesInOrderWithEndOfLifeAndLabels) {
  const auto first = std::make_shared<FakeSource>("first", [](const FieldSet& f, auto& out, auto&) {
    if (f.has("http.realm")) out.push_back(fingerprint("archer", "router", "TP-Link", "Archer C7"));
  });
  const auto second = std::make_shared<FakeSource>("second", [](const FieldSet&, auto& out, auto&) {
    out.push_back(fingerprint("web", "other", "", "Router Webserver"));
  });
  const FingerprintEngine engine({first, second}, eol(), labels());
  json::object record = lab_record("198.19.0.20", 80);
  record["fingerprints"] = json::array{"stale"};
  record["labels"] = json::array{"stale"};
  MatchScratch scratch;
  engine.annotate(record, scratch);

  const json::array& fps = record.at("fingerprints").as_array();
  ASSERT_EQ(fps.size(), 2u);
  EXPECT_EQ(strings(fps, "id"), (Strings{"archer", "web"}));
  EXPECT_EQ(fps[0].at("eol"), (json::object{{"date", "2024-06"}, {"source", "https://vendor.invalid/eol/archer-c7"}}));
  EXPECT_FALSE(fps[1].as_object().contains("eol"));
  EXPECT_FALSE(fps[1].as_object().contains("vendor"));  // empty strings are left out
  EXPECT_EQ(record.at("labels"), (json::array{json::object{{"id", "admin-panel-exposed"}, {"severity", "medium"}},
                                              json::object{{"id", "eol-model"}, {"severity", "medium"}}}));
}

TEST(FingerprintEngine, StatisticsCountRecordsHitsAndLimits) {
  const auto hits = std::make_shared<FakeSource>("hits", [](const FieldSet& f, auto& out, auto& limit_hits) {
    if (f.values("service.protocol").front() == "http") out.push_back(fingerprint("a", "router", "X", "Y"));
    if (f.has("ssh.banner")) ++limit_hits;
  });
  const auto misses = std::make_shared<FakeSource>("misses", [](const FieldSet&, auto&, auto&) {});
  const FingerprintEngine engine({hits, misses}, nullptr, nullptr);
  MatchScratch scratch;
  std::uint64_t http = 0, ssh = 0;
  for (json::object r : lab_records()) {
    engine.annotate(r, scratch);
    http += r.at("protocol").as_string() == "http";
    ssh += r.at("protocol").as_string() == "ssh";
    EXPECT_TRUE(r.at("labels").as_array().empty());  // no label set: no labels
  }
  const auto s = engine.statistics();
  EXPECT_EQ(s.records, lab_records().size());
  EXPECT_EQ(s.fingerprinted, http);
  EXPECT_EQ(s.limit_hits, ssh);
  EXPECT_EQ(s.hits_by_source, (std::vector<std::pair<std::string, std::uint64_t>>{{"hits", http}, {"misses", 0}}));
  EXPECT_EQ(
      json::serialize(s.to_json()),
      fmt::format(R"({{"records":{},"fingerprinted":{},"by_source":{{"hits":{},"misses":0}},"regex_limit_hits":{}}})",
                  s.records, http, http, ssh));
}

TEST(FingerprintEngine, RuleDatabaseOverLabRecords) {
  const FingerprintEngine engine({rules()}, eol(), labels());
  MatchScratch scratch;
  json::object archer = lab_record("198.19.0.20", 80);
  engine.annotate(archer, scratch);
  EXPECT_EQ(
      archer.at("fingerprints"),
      (json::array{json::object{{"id", "tplink-archer-c7"},
                                {"source", "fumidai"},
                                {"category", "router"},
                                {"vendor", "TP-Link"},
                                {"product", "Archer C7"},
                                {"device", "router"},
                                {"cpe", "cpe:2.3:h:tp-link:archer_c7:-:*:*:*:*:*:*:*"},
                                {"confidence", 90},
                                {"eol", {{"date", "2024-06"}, {"source", "https://vendor.invalid/eol/archer-c7"}}}}}));
  EXPECT_EQ(strings(archer.at("labels"), "id"), (Strings{"admin-panel-exposed", "eol-model"}));
  // Alone, a PPTP record does not know its address's router (host.fp.* is its own).
  json::object pptp = lab_record("198.19.0.33", 1723);
  engine.annotate(pptp, scratch);
  EXPECT_EQ(strings(pptp.at("fingerprints"), "id"), Strings{"mikrotik-pptp"});
  EXPECT_TRUE(pptp.at("labels").as_array().empty());
}

TEST(FingerprintEngine, FieldsGainFpFieldsAndHostHasTheOwnOnes) {
  const FingerprintEngine engine({rules()}, nullptr, labels());
  MatchScratch scratch;
  FieldSet fields = record_fields(lab_record("198.19.0.21", 80));
  const auto annotation = engine.annotate(fields, scratch);
  EXPECT_EQ(strings(annotation.fingerprints, "id"), Strings{"mikrotik-routeros-web"});
  EXPECT_EQ(strings(annotation.labels, "id"), Strings{"admin-panel-exposed"});
  const auto v = [&](std::string_view name) {
    const auto s = fields.values(name);
    return Strings(s.begin(), s.end());
  };
  EXPECT_EQ(v("fp.id"), Strings{"mikrotik-routeros-web"});
  EXPECT_EQ(v("fp.vendor"), Strings{"MikroTik"});
  EXPECT_EQ(v("fp.device"), Strings{"router"});
  EXPECT_EQ(v("host.fp.category"), Strings{"router"});
  EXPECT_TRUE(v("fp.eol").empty());
}

TEST(FingerprintEngine, FingerprintFieldsAreAUnion) {
  FieldSet host;
  auto a = fingerprint("a", "router", "MikroTik", "RouterOS");
  a.tags = {"consumer", "soho"};
  a.eol_date = "announced";
  auto b = fingerprint("b", "vpn", "MikroTik", "RouterOS PPTP server");
  b.tags = {"soho"};
  add_fingerprint_fields(host, "host.fp.", std::vector{a});
  add_fingerprint_fields(host, "host.fp.", std::vector{b, a});
  const auto v = [&](std::string_view name) {
    const auto s = host.values(name);
    return Strings(s.begin(), s.end());
  };
  EXPECT_EQ(v("host.fp.id"), (Strings{"a", "b"}));
  EXPECT_EQ(v("host.fp.category"), (Strings{"router", "vpn"}));
  EXPECT_EQ(v("host.fp.vendor"), Strings{"MikroTik"});
  EXPECT_EQ(v("host.fp.tags"), (Strings{"consumer", "soho"}));
  EXPECT_EQ(v("host.fp.eol"), Strings{"true"});
  EXPECT_TRUE(v("host.fp.device").empty());
}

TEST(ScanBatch, HostLabelsSeeEveryRecordOfTheAddress) {
  const FingerprintEngine engine({rules()}, eol(), labels());
  MatchScratch scratch;
  // 198.19.0.21 is the MikroTik web UI; give its address a PPTP and an L2TP
  // server too (as a hijacked router has), and keep another address's PPTP.
  std::vector<json::object> scan{lab_record("198.19.0.33", 1723), lab_record("198.19.0.21", 80),
                                 lab_record("198.19.0.33", 1701), lab_record("198.19.0.32", 1723)};
  scan[0]["ip"] = "198.19.0.21";
  scan[2]["ip"] = "198.19.0.21";
  scan[3]["ip"] = "198.19.0.99";
  scan[3]["data"].as_object()["vendor"] = "MikroTik";
  ScanBatch batch(engine);
  for (const json::object& r : scan) batch.add(r, scratch);
  EXPECT_EQ(batch.records(), 4u);
  for (json::object& r : scan) batch.annotate(r, scratch);
  EXPECT_EQ(strings(scan[0].at("labels"), "id"), Strings{"vpn-on-consumer-router"});
  EXPECT_EQ(strings(scan[1].at("labels"), "id"), Strings{"admin-panel-exposed"});
  EXPECT_EQ(strings(scan[2].at("labels"), "id"), Strings{"vpn-on-consumer-router"});
  EXPECT_EQ(strings(scan[3].at("fingerprints"), "id"), Strings{"mikrotik-pptp"});
  EXPECT_TRUE(scan[3].at("labels").as_array().empty());  // no router at its address
  EXPECT_EQ(engine.statistics().records, 4u);            // each record fingerprinted once
}

TEST(ScanBatch, RecordsWithoutFingerprintsGetEmptyArrays) {
  const FingerprintEngine engine({rules()}, eol(), labels());
  MatchScratch scratch;
  ScanBatch batch(engine);
  json::object ssh = lab_record("198.19.0.11", 22);
  batch.add(ssh, scratch);
  batch.annotate(ssh, scratch);
  EXPECT_EQ(ssh.at("fingerprints"), json::array());
  EXPECT_EQ(ssh.at("labels"), json::array());
}

TEST(FingerprintEngine, ManyThreadsEachWithTheirScratch) {
  const FingerprintEngine engine({rules()}, eol(), labels());
  std::vector<std::string> expected;
  {
    MatchScratch scratch;
    for (json::object r : lab_records()) {
      engine.annotate(r, scratch);
      expected.push_back(json::serialize(r));
    }
  }
  constexpr int kThreads = 4;
  std::vector<std::vector<std::string>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      MatchScratch scratch;
      for (int round = 0; round < 10; ++round)
        for (json::object r : lab_records()) {
          engine.annotate(r, scratch);
          if (round == 0) got[t].push_back(json::serialize(r));
        }
    });
  for (auto& t : threads) t.join();
  for (const auto& g : got) EXPECT_EQ(g, expected);
  EXPECT_EQ(engine.statistics().records, lab_records().size() * (1 + kThreads * 10));
}

}  // namespace
}  // namespace fumidai::fingerprints
