// Stage 2's output stage (cli/RecordWriter): records from several engine
// threads are fingerprinted, labelled and written whole, under backpressure;
// and a GrabRecord gets exactly what `fumidai fingerprint` gives its JSON.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "FileRecordSink.h"
#include "RecordWriter.h"
#include "fumidai/fingerprints/LabelSet.h"
#include "fumidai/fingerprints/RuleDatabase.h"
#include "fumidai/scanner/target/Ipv4.h"

namespace fumidai::cli {
namespace {

namespace json = boost::json;
using fingerprints::FingerprintEngine;
using fingerprints::MatchScratch;
using scanner::GrabRecord;

constexpr std::string_view kRules = R"(rules:
  - id: tplink-archer-c7
    category: router
    vendor: TP-Link
    product: Archer C7
    confidence: 90
    match: {field: http.realm, contains: Archer C7}
    examples:
      - fields: {http.realm: TP-LINK Wireless Dual Band Gigabit Router Archer C7}
        expect: {product: Archer C7}
  - id: yamaha-rtx-pptp
    category: vpn
    vendor: Yamaha
    product: RTX PPTP server
    confidence: 80
    match: {field: pptp.vendor, equals: YAMAHA Corporation}
    examples:
      - fields: {pptp.vendor: YAMAHA Corporation}
        expect: {vendor: Yamaha}
)";

constexpr std::string_view kLabels = R"(labels:
  - id: admin-panel-exposed
    severity: medium
    title: Administration page on the internet
    advice: Turn off remote management.
    when: {field: host.fp.category, equals: router}
    examples:
      - fields: {host.fp.category: router}
        expect: true
      - fields: {host.fp.category: vpn}
        expect: false
)";

std::shared_ptr<const FingerprintEngine> engine() {
  auto rules = fingerprints::RuleDatabase::load({{"rules/test.yaml", std::string(kRules)}});
  auto labels = fingerprints::LabelSet::load(kLabels, "labels.yaml");
  EXPECT_TRUE(rules && labels);
  return std::make_shared<FingerprintEngine>(
      std::vector<std::shared_ptr<const fingerprints::FingerprintSource>>{
          std::make_shared<fingerprints::RuleDatabase>(std::move(*rules))},
      nullptr, std::make_shared<fingerprints::LabelSet>(std::move(*labels)));
}

scanner::GrabStatus status_named(std::string_view name) {
  for (std::size_t i = 0; i < scanner::kGrabStatusCount; ++i)
    if (scanner::to_string(static_cast<scanner::GrabStatus>(i)) == name) return static_cast<scanner::GrabStatus>(i);
  ADD_FAILURE() << name;
  return scanner::GrabStatus::application_error;
}

// The lab's records as stage 2 holds them before writing.
std::vector<GrabRecord> lab_grab_records() {
  std::vector<GrabRecord> out;
  std::ifstream in(std::string(FUMIDAI_TEST_DATA_DIR) + "/fingerprints/lab-records.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    const json::object o = json::parse(line).as_object();
    GrabRecord r;
    r.target.ip = *scanner::parse_ipv4(o.at("ip").as_string());
    r.target.port = static_cast<std::uint16_t>(o.at("port").as_int64());
    r.target.transport = o.at("transport").as_string() == "udp" ? scanner::Transport::udp : scanner::Transport::tcp;
    r.protocol = o.at("protocol").as_string();
    r.status = status_named(o.at("status").as_string());
    r.data = o.at("data").as_object();
    if (o.at("ptr").is_string()) r.ptr = std::string(o.at("ptr").as_string());
    out.push_back(std::move(r));
  }
  EXPECT_GE(out.size(), 40u);
  return out;
}

class TempPath {
 public:
  TempPath() : path_(::testing::TempDir() + "record-writer-" + std::to_string(::getpid()) + ".jsonl") {}
  ~TempPath() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }
  std::vector<json::object> records() const {
    std::vector<json::object> out;
    std::ifstream in(path_);
    std::string line;
    while (std::getline(in, line)) out.push_back(json::parse(line).as_object());
    return out;
  }

 private:
  std::string path_;
};

// Writes `copies` rounds of the lab records from `threads` threads.
std::vector<json::object> write(const FingerprintEngine* e, std::size_t workers, std::size_t max_queued, int threads,
                                int copies) {
  TempPath out;
  auto file = scanner::OutputFile::open(out.path());
  EXPECT_TRUE(file);
  {
    FileRecordSink sink(*file);
    RecordWriter writer(sink, e, workers, max_queued);
    std::vector<std::thread> pushers;
    for (int t = 0; t < threads; ++t)
      pushers.emplace_back([&] {
        for (int c = 0; c < copies; ++c)
          for (GrabRecord& r : lab_grab_records()) writer.push(std::move(r));
      });
    for (auto& p : pushers) p.join();
    writer.finish();
  }
  EXPECT_TRUE(file->close());
  return out.records();
}

std::size_t count_with(const std::vector<json::object>& records, std::string_view fingerprint_id) {
  std::size_t n = 0;
  for (const json::object& r : records)
    for (const json::value& f : r.at("fingerprints").as_array()) n += f.at("id").as_string() == fingerprint_id;
  return n;
}

TEST(RecordWriter, FingerprintsRecordsFromSeveralThreads) {
  const auto e = engine();
  const std::size_t per_round = lab_grab_records().size();
  const auto records = write(e.get(), 2, 8, 3, 4);
  ASSERT_EQ(records.size(), per_round * 12);
  EXPECT_EQ(count_with(records, "tplink-archer-c7"), 12u);
  EXPECT_EQ(count_with(records, "yamaha-rtx-pptp"), 12u);
  std::size_t labelled = 0;
  for (const json::object& r : records) labelled += !r.at("labels").as_array().empty();
  EXPECT_EQ(labelled, 12u);  // the Archer's page: host.fp.* are its own
  EXPECT_EQ(e->statistics().records, per_round * 12);
}

TEST(RecordWriter, OneSlotQueueStillWritesEverything) {
  const auto e = engine();
  EXPECT_EQ(write(e.get(), 1, 1, 2, 3).size(), lab_grab_records().size() * 6);
}

TEST(RecordWriter, WithoutAnEngineRecordsGoOutAsTheyCame) {
  const auto records = write(nullptr, 1, 16, 1, 1);
  ASSERT_EQ(records.size(), lab_grab_records().size());
  for (const json::object& r : records) {
    EXPECT_EQ(r.at("fingerprints"), json::array());
    EXPECT_EQ(r.at("labels"), json::array());
  }
}

TEST(RecordWriter, StageTwoAndStoredRecordsGetTheSameAnnotation) {
  const auto e = engine();
  MatchScratch scratch;
  for (GrabRecord& r : lab_grab_records()) {
    json::object stored = json::parse(scanner::to_jsonl(r)).as_object();
    e->annotate(stored, scratch);
    annotate_grab_record(*e, r, scratch);
    EXPECT_EQ(r.fingerprints, stored.at("fingerprints").as_array());
    EXPECT_EQ(r.labels, stored.at("labels").as_array());
    EXPECT_EQ(json::parse(scanner::to_jsonl(r)), json::value(stored));
  }
}

}  // namespace
}  // namespace fumidai::cli
