// `scan --db`'s sinks (cli/DatabaseSink, TeeOutput, TeeRecordSink) against a
// real PostgreSQL: stage 1's results and stage 2's lines reach both the -o
// file and the database, the same records in each, and the scan ends with the
// scanner's summary.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "DatabaseSink.h"
#include "FileRecordSink.h"
#include "TeeOutput.h"
#include "TeeRecordSink.h"
#include "TestDatabase.h"
#include "fumidai/core/SystemClock.h"
#include "fumidai/db/UtcTime.h"
#include "fumidai/scanner/output/OutputFile.h"
#include "fumidai/scanner/target/Ipv4.h"

namespace fumidai::cli {
namespace {

namespace json = boost::json;
using test::TestDatabase;

class TempFile {
 public:
  TempFile() {
    char pattern[] = "/tmp/fumidai-sink-XXXXXX";
    const int fd = ::mkstemp(pattern);
    if (fd >= 0) ::close(fd);
    path_ = pattern;
  }
  ~TempFile() { ::unlink(path_.c_str()); }
  const std::string& path() const { return path_; }
  std::vector<std::string> lines() const {
    std::ifstream in(path_);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

 private:
  std::string path_;
};

db::ScanMetadata metadata(const std::string& uid) {
  db::ScanMetadata m;
  m.uid = uid;
  m.name = "sink test";
  m.started = *db::parse_utc_time("2026-11-27T11:50:42.000Z");
  m.ports = {80, 443};
  m.udp_ports = {53};
  m.targets = {"198.18.0.0/24"};
  m.tool_version = "fumidai test";
  return m;
}

TEST(DatabaseSink, StageOneResultsGoToTheFileAndTheDatabase) {
  TestDatabase database;
  SystemClock clock;
  auto sink = DatabaseSink::open(database.conninfo(), metadata("stage1-sink"), clock);
  ASSERT_TRUE(sink) << sink.error().message;
  TempFile out;
  auto file = scanner::make_output_module("jsonl", out.path());
  ASSERT_TRUE(file);
  TeeOutput tee(std::move(*file), **sink);
  const std::int64_t ts = 1'795'780'242'279'000'000;  // 2026-11-27T11:50:42.279Z
  for (std::uint32_t i = 1; i <= 50; ++i) {
    scanner::ScanResult r{(198u << 24) | (18u << 16) | i, static_cast<std::uint16_t>(i % 2 ? 80 : 443),
                          scanner::ScanResult::Status::open, 64, ts + i * 1'000'000};
    tee.write(r);
  }
  scanner::ScanResult dns{(198u << 24) | (18u << 16) | 99, 53, scanner::ScanResult::Status::open, 63, ts};
  dns.transport = scanner::Transport::udp;
  dns.protocol = "dns";
  dns.data = R"({"rcode":"NOERROR","version":"dnsmasq-2.90"})";
  tee.write(dns);
  ASSERT_TRUE(tee.finish());

  db::ScanMetadata end = (*sink)->metadata();
  auto applied = db::apply_scan_summary(
      json::parse(R"({"start":"2026-11-27T11:50:42.100Z","end":"2026-11-27T11:50:50.000Z","ports":[80,443],)"
                  R"("udp_ports":[53],"seed":17577253860842540125,"rate":1000,"shard":0,"shards":1})")
          .as_object(),
      end);
  ASSERT_TRUE(applied) << applied.error().message;
  auto report = (*sink)->finish(end);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->rows, 51u);

  // The same records in the file and the database.
  const auto lines = out.lines();
  ASSERT_EQ(lines.size(), 51u);
  EXPECT_EQ(database.scalar<long long>("SELECT count(*) FROM services"), 51);
  for (const auto& line : lines) {
    const json::object r = json::parse(line).as_object();
    EXPECT_EQ(database.scalar<std::string>(fmt::format(
                  "SELECT seen_at = '{}'::timestamptz AND ttl = {} FROM services WHERE ip = '{}' AND port = {}",
                  std::string(r.at("ts").as_string()), r.at("ttl").as_int64(), std::string(r.at("ip").as_string()),
                  r.at("port").as_int64())),
              "t")
        << line;
  }
  EXPECT_EQ(database.scalar<std::string>("SELECT data->>'version' FROM services WHERE transport = 'udp'"),
            "dnsmasq-2.90");
  // The start stays what the row was made with (its rows' partition key); the end and seed are the summary's.
  EXPECT_EQ(database.scalar<std::string>(
                "SELECT started || ' ' || finished || ' ' || seed || ' ' || array_to_string(targets, ',') FROM scans"),
            "2026-11-27 11:50:42+00 2026-11-27 11:50:50+00 17577253860842540125 198.18.0.0/24");
}

TEST(DatabaseSink, StageTwoLinesGoToBothSinksAndABadOneStopsOnlyTheDatabase) {
  TestDatabase database;
  SystemClock clock;
  auto sink = DatabaseSink::open(database.conninfo(), metadata("stage2-sink"), clock);
  ASSERT_TRUE(sink) << sink.error().message;
  TempFile out;
  auto file = scanner::OutputFile::open(out.path());
  ASSERT_TRUE(file);
  FileRecordSink to_file(*file);
  TeeRecordSink both({&to_file, sink->get()});
  std::ifstream in(std::string(FUMIDAI_TEST_DATA_DIR) + "/ingest/grab.jsonl");
  std::vector<std::string> records;
  for (std::string line; std::getline(in, line);) records.push_back(line);
  for (const auto& line : records) both.write(line + "\n");
  auto report = (*sink)->finish((*sink)->metadata());
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->rows, records.size());
  ASSERT_TRUE(file->close());
  EXPECT_EQ(out.lines(), records);
  EXPECT_EQ(database.scalar<long long>("SELECT count(*) FROM service_labels"), 6);

  // A line the database cannot take: the file still gets everything, the
  // database part ends with the error and the scan stays unfinished.
  TestDatabase second;
  auto failing = DatabaseSink::open(second.conninfo(), metadata("stage2-bad"), clock);
  ASSERT_TRUE(failing);
  TempFile out2;
  auto file2 = scanner::OutputFile::open(out2.path());
  ASSERT_TRUE(file2);
  FileRecordSink to_file2(*file2);
  TeeRecordSink both2({&to_file2, failing->get()});
  both2.write(records[0] + "\n");
  both2.write("{\"ip\":\"not an address\"}\n");
  both2.write(records[1] + "\n");
  auto failed = (*failing)->finish((*failing)->metadata());
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("scan:2: \"ip\""), std::string::npos) << failed.error().message;
  ASSERT_TRUE(file2->close());
  EXPECT_EQ(out2.lines().size(), 3u);
  EXPECT_EQ(second.scalar<long long>("SELECT count(*) FROM scans WHERE finished IS NULL"), 1);
}

}  // namespace
}  // namespace fumidai::cli
