// Ingest's row encoding (db/RowEncoder, CopyText, IngestBatch, UtcTime): a
// record line in, the COPY text of services, fingerprint_matches and
// service_labels out, read back with the strict reader in support/.
#include "fumidai/db/RowEncoder.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "fumidai/db/CopyText.h"
#include "fumidai/db/IngestBatch.h"
#include "fumidai/db/UtcTime.h"
#include "support/CopyTextReader.h"

namespace fumidai::db {
namespace {

namespace json = boost::json;
using test::CopyRow;
using test::read_copy_text;
using test::read_text_array;

constexpr std::size_t kServicesFields = 20;
constexpr std::size_t kFingerprintFields = 14;
constexpr std::size_t kLabelFields = 7;

// Column positions in kServicesColumns.
enum ServiceColumn {
  kScanId, kScanStarted, kIp, kPort, kTransport, kProtocol, kStatus, kSeenAt, kTtl, kData, kError, kPtr,
  kFingerprints, kCategories, kLabels, kSeverity, kAsn, kOrgId, kOrgName, kCountry
};

std::vector<std::string> lines(const std::string& name) {
  std::ifstream in(std::string(FUMIDAI_TEST_DATA_DIR) + "/ingest/" + name);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  EXPECT_FALSE(out.empty()) << name;
  return out;
}

ScanRef scan() { return ScanRef{42, *parse_utc_time("2026-11-27T11:50:42.271Z")}; }

struct Encoded {
  CopyRows rows;
  std::vector<CopyRow> services, fingerprints, labels;
};

Encoded encode_all(const std::vector<std::string>& records, const AttributionSnapshot& attribution = {}) {
  RowEncoder encoder(scan(), attribution);
  Encoded e;
  for (const auto& line : records) {
    auto encoded = encoder.encode_line(line, e.rows);
    EXPECT_TRUE(encoded) << (encoded ? "" : encoded.error().message) << "\n" << line;
  }
  auto services = read_copy_text(e.rows.services, kServicesFields);
  auto fingerprints = read_copy_text(e.rows.fingerprint_matches, kFingerprintFields);
  auto labels = read_copy_text(e.rows.service_labels, kLabelFields);
  EXPECT_TRUE(services && fingerprints && labels) << "not well-formed COPY text";
  if (services) e.services = *services;
  if (fingerprints) e.fingerprints = *fingerprints;
  if (labels) e.labels = *labels;
  EXPECT_EQ(e.services.size(), e.rows.service_rows);
  EXPECT_EQ(e.fingerprints.size(), e.rows.fingerprint_rows);
  EXPECT_EQ(e.labels.size(), e.rows.label_rows);
  return e;
}

std::string error_of(const std::string& line) {
  const AttributionSnapshot attribution;
  RowEncoder encoder(scan(), attribution);
  CopyRows rows;
  rows.services = "earlier\n";
  rows.service_rows = 1;
  auto encoded = encoder.encode_line(line, rows);
  EXPECT_FALSE(encoded) << line;
  // Nothing of a bad record is appended.
  EXPECT_EQ(rows.services, "earlier\n");
  EXPECT_EQ(rows.service_rows, 1u);
  EXPECT_TRUE(rows.fingerprint_matches.empty() && rows.service_labels.empty());
  if (encoded) return "";
  EXPECT_EQ(encoded.error().kind, Error::Kind::invalid_input);
  return encoded.error().message;
}

TEST(RowEncoder, ServiceRecordsBecomeRowsOfEveryTable) {
  const auto records = lines("grab.jsonl");
  const Encoded e = encode_all(records);
  ASSERT_EQ(e.services.size(), records.size());
  std::size_t fingerprints = 0, labels = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const json::object r = json::parse(records[i]).as_object();
    const CopyRow& row = e.services[i];
    EXPECT_EQ(row[kScanId], "42");
    EXPECT_EQ(row[kScanStarted], "2026-11-27T11:50:42.271000Z");
    EXPECT_EQ(row[kIp], std::string(r.at("ip").as_string()));
    EXPECT_EQ(row[kPort], std::to_string(r.at("port").as_int64()));
    EXPECT_EQ(row[kTransport], std::string(r.at("transport").as_string()));
    EXPECT_EQ(row[kProtocol], std::string(r.at("protocol").as_string()));
    EXPECT_EQ(row[kStatus], std::string(r.at("status").as_string()));
    EXPECT_EQ(row[kSeenAt], std::string(r.at("ts").as_string()));
    EXPECT_EQ(row[kTtl], std::nullopt);
    // jsonb as written: the same JSON value.
    ASSERT_TRUE(row[kData]);
    EXPECT_EQ(json::parse(*row[kData]), r.at("data"));
    ASSERT_TRUE(row[kFingerprints]);
    EXPECT_EQ(json::parse(*row[kFingerprints]), r.at("fingerprints"));
    if (r.contains("error")) {
      EXPECT_EQ(row[kError], std::string(r.at("error").as_string()));
    }
    if (r.at("ptr").is_null()) {
      EXPECT_EQ(row[kPtr], std::nullopt);
    }
    std::vector<std::string> categories;
    for (const auto& f : r.at("fingerprints").as_array()) {
      const std::string category(f.at("category").as_string());
      if (std::find(categories.begin(), categories.end(), category) == categories.end()) categories.push_back(category);
    }
    EXPECT_EQ(read_text_array(*row[kCategories]), categories);
    std::vector<std::string> label_ids;
    for (const auto& l : r.at("labels").as_array()) label_ids.emplace_back(l.at("id").as_string());
    EXPECT_EQ(read_text_array(*row[kLabels]), label_ids);
    if (label_ids.empty()) {
      EXPECT_EQ(row[kSeverity], std::nullopt);
    }
    // No attribution data: nothing attributed.
    for (int column : {kAsn, kOrgId, kOrgName, kCountry}) EXPECT_EQ(row[column], std::nullopt);
    fingerprints += categories.size();
    labels += label_ids.size();
  }
  EXPECT_EQ(e.fingerprints.size(), fingerprints);
  EXPECT_EQ(e.labels.size(), labels);
  // The PPTP record on a MikroTik: a router and a VPN fingerprint, one label.
  const auto& mikrotik = e.fingerprints[0];
  EXPECT_EQ(mikrotik[2], "198.19.0.33");
  EXPECT_EQ(mikrotik[5], "router");
  EXPECT_EQ(mikrotik[6], "mikrotik-routeros-pptp");
  EXPECT_EQ(mikrotik[7], "fumidai");
  EXPECT_EQ(e.labels[0][5], "vpn-on-consumer-router");
  EXPECT_EQ(e.labels[0][6], "high");
  EXPECT_EQ(e.services[0][kSeverity], "high");
}

TEST(RowEncoder, ScanRecordsHaveNoServiceData) {
  const auto records = lines("scan.jsonl");
  const Encoded e = encode_all(records);
  ASSERT_EQ(e.services.size(), records.size());
  EXPECT_TRUE(e.fingerprints.empty());
  EXPECT_TRUE(e.labels.empty());
  const CopyRow& tcp = e.services.front();
  EXPECT_EQ(tcp[kStatus], "open");
  EXPECT_EQ(tcp[kTtl], "64");
  EXPECT_EQ(tcp[kProtocol], std::nullopt);
  EXPECT_EQ(tcp[kData], std::nullopt);
  EXPECT_EQ(tcp[kFingerprints], "[]");
  EXPECT_EQ(tcp[kCategories], "{}");
  EXPECT_EQ(tcp[kLabels], "{}");
  const CopyRow& udp = e.services.back();
  EXPECT_EQ(udp[kTransport], "udp");
  EXPECT_EQ(udp[kProtocol], "dns");
  ASSERT_TRUE(udp[kData]);
  EXPECT_EQ(json::parse(*udp[kData]).at("version"), "dnsmasq-2.90");
}

TEST(RowEncoder, FirstFingerprintOfACategoryWinsAndTheHighestSeverityIsKept) {
  const std::string line = R"({"ip":"192.0.2.1","port":80,"transport":"tcp","protocol":"http","status":"success",
    "data":{},"ptr":null,"ts":"2026-11-27T11:50:42.279Z",
    "fingerprints":[{"id":"a","source":"fumidai","category":"router","vendor":"V","product":"P","version":"1",
                     "device":"router","cpe":"cpe:2.3:h:v:p:1:*:*:*:*:*:*:*","confidence":90},
                    {"id":"b","source":"fumidai","category":"router"},
                    {"id":"c","source":"recog:x.xml","category":"admin-panel"}],
    "labels":[{"id":"low-one","severity":"low"},{"id":"crit","severity":"critical"},{"id":"low-one","severity":"low"},
              {"id":"info-one","severity":"info"}]})";
  std::string one_line = line;
  std::replace(one_line.begin(), one_line.end(), '\n', ' ');
  const Encoded e = encode_all({one_line});
  ASSERT_EQ(e.services.size(), 1u);
  EXPECT_EQ(read_text_array(*e.services[0][kCategories]), (std::vector<std::string>{"router", "admin-panel"}));
  EXPECT_EQ(read_text_array(*e.services[0][kLabels]), (std::vector<std::string>{"low-one", "crit", "info-one"}));
  EXPECT_EQ(e.services[0][kSeverity], "critical");
  ASSERT_EQ(e.fingerprints.size(), 2u);
  EXPECT_EQ(e.fingerprints[0],
            (CopyRow{"42", "2026-11-27T11:50:42.271000Z", "192.0.2.1", "80", "tcp", "router", "a", "fumidai", "V", "P",
                     "1", "router", "cpe:2.3:h:v:p:1:*:*:*:*:*:*:*", "90"}));
  EXPECT_EQ(e.fingerprints[1], (CopyRow{"42", "2026-11-27T11:50:42.271000Z", "192.0.2.1", "80", "tcp", "admin-panel",
                                        "c", "recog:x.xml", std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                                        std::nullopt, std::nullopt}));
  ASSERT_EQ(e.labels.size(), 3u);
  EXPECT_EQ(e.labels[1][5], "crit");
  EXPECT_EQ(e.labels[1][6], "critical");
}

TEST(RowEncoder, EscapesWhatWouldEndAFieldAndKeepsSqlAsData) {
  // Tab, newline, carriage return, backslash, quotes, braces and SQL in every
  // kind of column: each comes back byte for byte.
  const std::string nasty = "a\tb\nc\rd\\e\"f'g{h},i'); DROP TABLE services; --";
  json::object record{{"ip", "2001:db8::7"},
                      {"port", 8443},
                      {"transport", "tcp"},
                      {"protocol", nasty},
                      {"status", nasty},
                      {"error", nasty},
                      {"ptr", nasty},
                      {"data", json::object{{nasty, nasty}, {"n", 1.5}}},
                      {"fingerprints", json::array{json::object{{"id", nasty}, {"source", nasty}, {"category", nasty},
                                                                {"vendor", nasty}, {"tags", json::array{nasty}}}}},
                      {"labels", json::array{json::object{{"id", nasty}, {"severity", "medium"}}}},
                      {"ts", "2026-11-27T11:50:42Z"}};
  const Encoded e = encode_all({json::serialize(record)});
  ASSERT_EQ(e.services.size(), 1u);
  const CopyRow& row = e.services[0];
  EXPECT_EQ(row[kIp], "2001:db8::7");
  for (int column : {kProtocol, kStatus, kError, kPtr}) EXPECT_EQ(row[column], nasty);
  EXPECT_EQ(json::parse(*row[kData]), record.at("data"));
  EXPECT_EQ(json::parse(*row[kFingerprints]), record.at("fingerprints"));
  EXPECT_EQ(read_text_array(*row[kCategories]), std::vector<std::string>{nasty});
  EXPECT_EQ(read_text_array(*row[kLabels]), std::vector<std::string>{nasty});
  ASSERT_EQ(e.fingerprints.size(), 1u);
  for (int column : {5, 6, 7, 8}) EXPECT_EQ(e.fingerprints[0][column], nasty);
  ASSERT_EQ(e.labels.size(), 1u);
  EXPECT_EQ(e.labels[0][5], nasty);
}

TEST(RowEncoder, AttributesEachAddressFromTheSnapshot) {
  AttributionSnapshot attribution;
  attribution.add_origin(parse_prefix("198.18.0.0/15").value(), 64500, "");
  attribution.add_as_org(64500, "ORG-EX1", "Example ISP\tLtd", "JP");
  attribution.add_country(parse_prefix("198.19.0.0/24").value(), "DE");
  const Encoded e = encode_all(lines("grab.jsonl"), attribution);
  ASSERT_FALSE(e.services.empty());
  for (const CopyRow& row : e.services) {
    EXPECT_EQ(row[kAsn], "64500");
    EXPECT_EQ(row[kOrgId], "ORG-EX1");
    EXPECT_EQ(row[kOrgName], "Example ISP\tLtd");
    EXPECT_TRUE(row[kCountry] == "DE" || row[kCountry] == "JP") << *row[kCountry];
  }
}

TEST(RowEncoder, BadRecordsAreInputErrorsNamingTheField) {
  const std::string good_tail = R"(,"transport":"tcp","status":"open","ttl":64,"ts":"2026-11-27T11:50:42.279Z"})";
  const auto with = [&](std::string head) { return head + good_tail; };
  EXPECT_NE(error_of("not json").find("not JSON"), std::string::npos);
  EXPECT_NE(error_of("[1,2]").find("not a JSON object"), std::string::npos);
  EXPECT_NE(error_of(with(R"({"port":80)")).find("\"ip\""), std::string::npos);
  EXPECT_NE(error_of(with(R"({"ip":"198.18.1.300","port":80)")).find("\"ip\""), std::string::npos);
  EXPECT_NE(error_of(with(R"({"ip":"fe80::1%eth0","port":80)")).find("\"ip\""), std::string::npos);
  EXPECT_NE(error_of(with(R"({"ip":"198.18.1.3","port":"80")")).find("\"port\""), std::string::npos);
  EXPECT_NE(error_of(with(R"({"ip":"198.18.1.3","port":0)")).find("\"port\""), std::string::npos);
  EXPECT_NE(error_of(with(R"({"ip":"198.18.1.3","port":65536)")).find("\"port\""), std::string::npos);
  EXPECT_NE(error_of(with(R"({"ip":"198.18.1.3","port":80.5)")).find("\"port\""), std::string::npos);
  EXPECT_NE(error_of(R"({"ip":"198.18.1.3","port":80,"transport":"sctp","status":"open","ts":"2026-11-27T11:50:42Z"})")
                .find("\"transport\""),
            std::string::npos);
  for (const char* ts : {"2026-11-27 11:50:42Z", "2026-11-27T11:50:42", "2026-02-30T11:50:42Z", "1969-12-31T23:59:59Z",
                         "2026-11-27T24:00:00Z", "2026-11-27T11:50:42.Z", "2026-11-27T11:50:42.1234567890Z",
                         "2026-11-27T11:50:42+09:00", "now"}) {
    const std::string line = std::string(R"({"ip":"198.18.1.3","port":80,"transport":"tcp","status":"open","ts":")") +
                             ts + "\"}";
    EXPECT_NE(error_of(line).find("\"ts\""), std::string::npos) << ts;
  }
  const std::string head = R"({"ip":"198.18.1.3","port":80,"transport":"tcp","ts":"2026-11-27T11:50:42Z",)";
  EXPECT_NE(error_of(head + R"("status":"")" + "}").find("\"status\""), std::string::npos);
  EXPECT_NE(error_of(head + R"("status":"a\u0000b"})").find("NUL"), std::string::npos);
  EXPECT_NE(error_of(head + R"("status":"open","data":{"k":"a\u0000b"}})").find("NUL"), std::string::npos);
  EXPECT_NE(error_of(head + R"("status":"open","data":{"a\u0000":1}})").find("NUL"), std::string::npos);
  EXPECT_NE(error_of(head + R"("status":"open","data":{"big":1e400}})").find("beyond"), std::string::npos);
  EXPECT_NE(error_of(head + R"("status":"open","data":[]})").find("\"data\""), std::string::npos);
  EXPECT_NE(error_of(head + R"("status":"open","ttl":256})").find("\"ttl\""), std::string::npos);
  EXPECT_NE(error_of(head + R"("status":"open","ptr":7})").find("\"ptr\""), std::string::npos);
  EXPECT_NE(error_of(head + R"("status":"open","fingerprints":{}})").find("\"fingerprints\""), std::string::npos);
  EXPECT_NE(error_of(head + R"("status":"open","fingerprints":[{"id":"a","source":"s"}]})")
                .find("\"fingerprints[0].category\""),
            std::string::npos);
  EXPECT_NE(error_of(head + R"("status":"open","fingerprints":[{"id":"a","source":"s","category":"c","confidence":101}]})")
                .find("confidence"),
            std::string::npos);
  EXPECT_NE(error_of(head + R"("status":"open","labels":[{"id":"x","severity":"severe"}]})").find("severity"),
            std::string::npos);
  EXPECT_NE(error_of(head + R"("status":"open","labels":[{"severity":"low"}]})").find("\"labels[0].id\""),
            std::string::npos);
  // An escaped backslash followed by "u0000" is text, not NUL.
  const AttributionSnapshot attribution;
  RowEncoder encoder(scan(), attribution);
  CopyRows rows;
  EXPECT_TRUE(encoder.encode_line(head + R"("status":"open","data":{"k":"\\u0000"}})", rows));
  const auto services = read_copy_text(rows.services, kServicesFields);
  ASSERT_TRUE(services);
  EXPECT_EQ(json::parse(*(*services)[0][kData]).at("k"), "\\u0000");
}

TEST(IngestBatch, DropsRepeatedKeysAndIsNamedByItsKeys) {
  const AttributionSnapshot attribution;
  RowEncoder encoder(scan(), attribution);
  const auto source = std::make_shared<const std::string>("f.jsonl");
  const auto records = lines("scan.jsonl");
  IngestBatch a(source), b(source), c(source);
  for (std::size_t i = 0; i < 10; ++i) {
    ASSERT_TRUE(a.add_line(encoder, records[i], i + 1));
    ASSERT_TRUE(b.add_line(encoder, records[i], i + 1));
  }
  // The same key again, with other content: dropped, counted.
  std::string changed = records[3];
  changed.replace(changed.find("\"ttl\":64"), 8, "\"ttl\":65");
  ASSERT_TRUE(a.add_line(encoder, changed, 11));
  EXPECT_EQ(a.records(), 10u);
  EXPECT_EQ(a.duplicates(), 1u);
  EXPECT_EQ(a.rows().service_rows, 10u);
  EXPECT_EQ(a.id(), b.id());
  EXPECT_GT(a.id(), 0);
  for (std::size_t i = 1; i < 11; ++i) ASSERT_TRUE(c.add_line(encoder, records[i], i));
  EXPECT_NE(a.id(), c.id());
  EXPECT_EQ(a.where_service(2), "f.jsonl:3");
  EXPECT_EQ(a.span(), "f.jsonl lines 1-10");
  EXPECT_FALSE(a.add_line(encoder, "{}", 12));
  EXPECT_EQ(a.records(), 10u);
}

TEST(UtcTime, ReadsAndWritesTheRecordsFormat) {
  const auto t = parse_utc_time("2026-11-27T11:50:42.279Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_utc_time(*t), "2026-11-27T11:50:42.279000Z");
  EXPECT_EQ(parse_utc_time("2026-11-27T11:50:42.279999999Z"), parse_utc_time("2026-11-27T11:50:42.279999Z"));
  EXPECT_EQ(format_utc_time(*parse_utc_time("2024-02-29T00:00:00Z")), "2024-02-29T00:00:00.000000Z");
  EXPECT_FALSE(parse_utc_time("2023-02-29T00:00:00Z"));
  EXPECT_EQ(parse_utc_time("1970-01-01T00:00:00Z")->time_since_epoch().count(), 0);
}

TEST(CopyText, EscapesFieldsArraysAndJson) {
  std::string out;
  append_copy_text(out, "a\\b\tc\nd\re");
  EXPECT_EQ(out, "a\\\\b\\tc\\nd\\re");
  out.clear();
  append_copy_text_array(out, std::vector<std::string>{"x\"y", "z\\w", ""});
  EXPECT_EQ(out, R"({"x\\"y","z\\\\w",""})");
  out.clear();
  EXPECT_TRUE(append_copy_json(out, R"({"a":"\"\\\n"})"));
  EXPECT_EQ(out, R"({"a":"\\"\\\\\\n"})");
  out = "kept";
  EXPECT_FALSE(append_copy_json(out, R"(["\u0000"])"));
  EXPECT_EQ(out, "kept");
}

}  // namespace
}  // namespace fumidai::db
