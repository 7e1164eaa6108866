// Ingest into a real PostgreSQL: the lab's fixture records through
// ScanIngest, re-runs and replayed or overlapping batches that must never
// duplicate, SQL-looking strings stored as data, a server restart mid-ingest
// (on a private cluster), and the errors a user can cause.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <pqxx/pqxx>
#include <thread>

#include "TestDatabase.h"
#include "fumidai/core/ManualClock.h"
#include "fumidai/core/SystemClock.h"
#include "fumidai/db/EmbeddedCluster.h"
#include "fumidai/db/IngestWriter.h"
#include "fumidai/db/ScanCatalog.h"
#include "fumidai/db/ScanIngest.h"

namespace fumidai::db {
namespace {

namespace json = boost::json;
using test::TestDatabase;

std::vector<std::string> fixture(const std::string& name) {
  std::ifstream in(std::string(FUMIDAI_TEST_DATA_DIR) + "/ingest/" + name);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  EXPECT_FALSE(out.empty()) << name;
  return out;
}

json::object fixture_summary() {
  std::ifstream in(std::string(FUMIDAI_TEST_DATA_DIR) + "/ingest/scan-summary.json");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return json::parse(text).as_object();
}

ScanMetadata metadata(std::string uid) {
  ScanMetadata m;
  m.uid = uid;
  m.name = "test " + uid;
  m.tool_version = "fumidai test";
  EXPECT_TRUE(apply_scan_summary(fixture_summary(), m));
  return m;
}

// `count` stage-1 records with distinct keys, one a millisecond from the fixture scan's start.
std::vector<std::string> synthetic(std::size_t count, std::size_t first = 0) {
  std::vector<std::string> out;
  for (std::size_t i = first; i < first + count; ++i) {
    const auto a = static_cast<std::uint32_t>(i);
    out.push_back(fmt::format(R"({{"ip":"10.{}.{}.{}","port":{},"transport":"tcp","status":"open","ttl":64,)"
                              R"("ts":"2026-11-27T11:50:{:02}.{:03}Z"}})",
                              a >> 16 & 255, a >> 8 & 255, a & 255, 80 + (a >> 24), 43 + i / 1000 % 17, i % 1000));
  }
  return out;
}

// Feeds `lines` to a ScanIngest and finishes it; the report, or the first error.
Result<IngestReport> ingest(const std::string& conninfo, ScanMetadata m, const std::vector<std::string>& lines,
                            IngestOptions options = {}, Clock* clock = nullptr) {
  SystemClock system;
  auto opened = ScanIngest::open(conninfo, std::move(m), std::move(options), clock != nullptr ? *clock : system);
  if (!opened) return opened.error();
  if (auto begun = (*opened)->begin_source("test.jsonl"); !begun) return begun.error();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (auto added = (*opened)->add_line(lines[i], i + 1); !added) return added.error();
  }
  return (*opened)->finish();
}

template <class T = long long>
T scalar(const TestDatabase& db, const std::string& sql) {
  return db.scalar<T>(sql);
}

TEST(Ingest, FixtureRecordsLandInEveryTable) {
  TestDatabase database;
  const auto scan = fixture("scan.jsonl");
  const auto grab = fixture("grab.jsonl");
  auto first = ingest(database.conninfo(), metadata("stage1"), scan);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->rows, scan.size());
  EXPECT_EQ(first->batches, 1u);
  auto second = ingest(database.conninfo(), metadata("stage2"), grab);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->rows, grab.size());

  EXPECT_EQ(scalar(database, "SELECT count(*) FROM services"), static_cast<long long>(scan.size() + grab.size()));
  // The summary's month has its partition; nothing fell into the default one.
  EXPECT_EQ(scalar(database, "SELECT count(*) FROM services_p202611"), static_cast<long long>(scan.size() + grab.size()));
  EXPECT_EQ(scalar(database, "SELECT count(*) FROM services_default"), 0);
  // Fingerprints: one per category per record; labels: one per label.
  long long categories = 0, labels = 0;
  for (const auto& line : grab) {
    const json::object r = json::parse(line).as_object();
    std::set<std::string> seen;
    for (const auto& f : r.at("fingerprints").as_array()) seen.insert(std::string(f.at("category").as_string()));
    categories += static_cast<long long>(seen.size());
    labels += static_cast<long long>(r.at("labels").as_array().size());
  }
  EXPECT_EQ(scalar(database, "SELECT count(*) FROM fingerprint_matches"), categories);
  EXPECT_EQ(scalar(database, "SELECT count(*) FROM service_labels"), labels);
  EXPECT_EQ(database.scalar<std::string>(
                "SELECT severity FROM services WHERE ip = '198.19.0.42' AND port = 1080 AND transport = 'tcp'"),
            "high");
  EXPECT_EQ(database.scalar<std::string>(
                "SELECT data->>'version' FROM services WHERE ip = '198.18.7.7' AND transport = 'udp'"),
            "dnsmasq-2.90");
  // The scans rows, finished and folded in.
  EXPECT_EQ(scalar(database, "SELECT count(*) FROM scans WHERE finished IS NOT NULL AND finalized IS NOT NULL"), 2);
  EXPECT_EQ(scalar(database, "SELECT rows_ingested FROM scans WHERE uid = 'stage1'"),
            static_cast<long long>(scan.size()));
  EXPECT_EQ(database.scalar<std::string>("SELECT seed::text FROM scans WHERE uid = 'stage1'"), "17577253860842540125");
  EXPECT_EQ(database.scalar<std::string>("SELECT ports::text FROM scans WHERE uid = 'stage1'"),
            "{21,22,23,80,443,1723,7547,8080}");
  EXPECT_EQ(database.scalar<std::string>("SELECT started::text FROM scans WHERE uid = 'stage1'"),
            "2026-11-27 11:50:42.271+00");
  EXPECT_GT(scalar(database, "SELECT count(*) FROM hosts"), 0);
}

TEST(Ingest, ARerunAddsNothing) {
  TestDatabase database;
  const auto grab = fixture("grab.jsonl");
  IngestOptions options;
  options.batch_rows = 4;
  auto first = ingest(database.conninfo(), metadata("rerun"), grab, options);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->batches, 3u);
  auto again = ingest(database.conninfo(), metadata("rerun"), grab, options);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->rows, 0u);
  EXPECT_EQ(again->batches, 0u);
  EXPECT_EQ(again->batches_skipped, 3u);
  EXPECT_EQ(again->duplicates, grab.size());
  // Other batching: no batch matches the ledger, and the rows conflict:
  // they go through the staging tables and are all duplicates.
  options.batch_rows = 3;
  auto rebatched = ingest(database.conninfo(), metadata("rerun"), grab, options);
  ASSERT_TRUE(rebatched) << rebatched.error().message;
  EXPECT_EQ(rebatched->rows, 0u);
  EXPECT_EQ(rebatched->duplicates, grab.size());
  EXPECT_EQ(scalar(database, "SELECT count(*) FROM services"), static_cast<long long>(grab.size()));
  EXPECT_EQ(scalar(database, "SELECT count(*) FROM scans"), 1);
  EXPECT_EQ(scalar(database, "SELECT rows_ingested FROM scans"), static_cast<long long>(grab.size()));
}

// The writer alone, with batches made by hand.
struct WriterRig {
  explicit WriterRig(const TestDatabase& database) : conninfo(database.conninfo()) {
    auto session = database.session();
    auto created = create_scan(session, metadata("writer"), {});
    EXPECT_TRUE(created);
    scan = ScanRef{created->id, created->started};
  }
  IngestBatch batch(const std::vector<std::string>& lines) {
    IngestBatch b(std::make_shared<const std::string>("batch.jsonl"));
    for (std::size_t i = 0; i < lines.size(); ++i) EXPECT_TRUE(b.add_line(encoder, lines[i], i + 1));
    return b;
  }
  std::string conninfo;
  ScanRef scan;
  AttributionSnapshot attribution;
  RowEncoder encoder{scan, attribution};
  ManualClock clock;
};

TEST(IngestWriter, AReplayedBatchIsSkippedAndAnOverlappingOneAddsOnlyItsNewRows) {
  TestDatabase database;
  WriterRig rig(database);
  const auto grab = fixture("grab.jsonl");
  const IngestBatch first = rig.batch({grab.begin(), grab.begin() + 6});
  std::vector<BatchOutcome> outcomes;
  IngestOptions options;
  options.after_batch = [&outcomes](const BatchOutcome& o) { outcomes.push_back(o); };
  IngestWriter writer(rig.conninfo, rig.scan, options, rig.clock);
  ASSERT_TRUE(writer.start());
  ASSERT_TRUE(writer.push(first));
  // Committed, then the same batch again (a retry after an ambiguous commit).
  ASSERT_TRUE(writer.push(first));
  // Records 3-8: 3, 4, 5 are in already, with their fingerprints and labels.
  ASSERT_TRUE(writer.push(rig.batch({grab.begin() + 3, grab.end()})));
  ASSERT_TRUE(writer.finish());
  ASSERT_EQ(outcomes.size(), 3u);
  EXPECT_FALSE(outcomes[0].skipped);
  EXPECT_EQ(outcomes[0].rows, 6u);
  EXPECT_TRUE(outcomes[1].skipped);
  EXPECT_EQ(outcomes[1].rows, 0u);
  EXPECT_EQ(outcomes[1].duplicates, 6u);
  EXPECT_TRUE(outcomes[2].staged);
  EXPECT_EQ(outcomes[2].rows, grab.size() - 6);
  EXPECT_EQ(outcomes[2].duplicates, 3u);
  const IngestReport report = writer.report();
  EXPECT_EQ(report.rows, grab.size());
  EXPECT_EQ(report.batches, 2u);
  EXPECT_EQ(report.batches_skipped, 1u);
  EXPECT_EQ(report.duplicates, 9u);

  EXPECT_EQ(scalar(database, "SELECT count(*) FROM services"), static_cast<long long>(grab.size()));
  EXPECT_EQ(scalar(database, "SELECT count(*) FROM (SELECT DISTINCT ip, port, transport FROM services) k"),
            static_cast<long long>(grab.size()));
  // Every fingerprint and label row belongs to a service row, once.
  EXPECT_EQ(scalar(database, "SELECT count(*) FROM fingerprint_matches f WHERE NOT EXISTS (SELECT 1 FROM services s"
                             " WHERE (s.ip, s.port, s.transport) = (f.ip, f.port, f.transport))"),
            0);
  EXPECT_EQ(scalar(database, "SELECT count(*) FROM fingerprint_matches"),
            scalar(database, "SELECT sum(cardinality(categories)) FROM services"));
  EXPECT_EQ(scalar(database, "SELECT count(*) FROM service_labels"),
            scalar(database, "SELECT sum(cardinality(labels)) FROM services"));
  EXPECT_EQ(scalar(database, "SELECT count(*) FROM ingest_batches"), 2);
}

TEST(IngestWriter, ARowTheServerRefusesNamesItsLine) {
  TestDatabase database;
  database.exec("ALTER TABLE services ADD CONSTRAINT no_evil CHECK (status <> 'evil')");
  WriterRig rig(database);
  auto lines = synthetic(5);
  lines[3].replace(lines[3].find("\"open\""), 6, "\"evil\"");
  IngestWriter writer(rig.conninfo, rig.scan, {}, rig.clock);
  ASSERT_TRUE(writer.start());
  ASSERT_TRUE(writer.push(rig.batch(lines)));
  auto done = writer.finish();
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().kind, Error::Kind::invalid_input);
  EXPECT_NE(done.error().message.find("batch.jsonl:4: the database refused the record"), std::string::npos)
      << done.error().message;
  EXPECT_EQ(scalar(database, "SELECT count(*) FROM services"), 0);
  EXPECT_EQ(scalar(database, "SELECT count(*) FROM ingest_batches"), 0);
}

TEST(Ingest, SqlLookingStringsAreStoredAsData) {
  TestDatabase database;
  const std::vector<std::string> attacks{
      "'); DROP TABLE services; --", "\\'; DELETE FROM scans; --", "$$; TRUNCATE hosts; $$", "\\.\n\\copy x",
      "a\tb\\N\\\\", "{\"a\",\"b\"}", "' OR '1'='1"};
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < attacks.size(); ++i) {
    const std::string& s = attacks[i];
    json::object r{{"ip", fmt::format("192.0.2.{}", i + 1)},
                   {"port", 80},
                   {"transport", "tcp"},
                   {"protocol", s},
                   {"status", s},
                   {"error", s},
                   {"ptr", s},
                   {"data", json::object{{s, s}}},
                   {"fingerprints", json::array{json::object{{"id", s}, {"source", s}, {"category", s}, {"vendor", s}}}},
                   {"labels", json::array{json::object{{"id", s}, {"severity", "info"}}}},
                   {"ts", "2026-11-27T11:50:50.000Z"}};
    lines.push_back(json::serialize(r));
  }
  auto report = ingest(database.conninfo(), metadata("sql"), lines);
  ASSERT_TRUE(report) << report.error().message;
  pqxx::connection c(database.conninfo());
  pqxx::read_transaction tx(c);
  for (std::size_t i = 0; i < attacks.size(); ++i) {
    const std::string& s = attacks[i];
    const auto row = tx.exec_params1(
        "SELECT s.protocol, s.status, s.error, s.ptr, s.data::text, s.categories[1], s.labels[1], f.rule_id, f.vendor,"
        " l.label FROM services s JOIN fingerprint_matches f USING (scan_id, ip, port, transport)"
        " JOIN service_labels l USING (scan_id, ip, port, transport) WHERE s.ip = $1::inet",
        fmt::format("192.0.2.{}", i + 1));
    for (int column : {0, 1, 2, 3, 5, 6, 7, 8, 9}) EXPECT_EQ(row[column].as<std::string>(), s) << column;
    EXPECT_EQ(json::parse(row[4].as<std::string>()), (json::object{{s, s}}));
  }
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM services")[0].as<long long>(), static_cast<long long>(attacks.size()));
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM scans")[0].as<long long>(), 1);
}

TEST(Ingest, ABadRecordLeavesTheScanUnfinishedAndARerunCompletesIt) {
  TestDatabase database;
  auto lines = synthetic(30);
  lines[25] = R"({"ip":"10.9.9.9","port":"80","transport":"tcp","status":"open","ts":"2026-11-27T11:50:50Z"})";
  IngestOptions options;
  options.batch_rows = 10;
  SystemClock clock;
  {
    auto opened = ScanIngest::open(database.conninfo(), metadata("bad"), options, clock);
    ASSERT_TRUE(opened) << opened.error().message;
    ASSERT_TRUE((*opened)->begin_source("bad.jsonl"));
    Result<> added;
    for (std::size_t i = 0; i < lines.size() && added; ++i) added = (*opened)->add_line(lines[i], i + 1);
    ASSERT_FALSE(added);
    EXPECT_EQ(added.error().kind, Error::Kind::invalid_input);
    EXPECT_EQ(added.error().message, "bad.jsonl:26: \"port\" must be an integer 1-65535");
    // The batches cut before the bad line go in; the one it was to join does not.
    ASSERT_TRUE((*opened)->stop());
  }
  EXPECT_EQ(scalar(database, "SELECT count(*) FROM scans WHERE finished IS NULL"), 1);
  EXPECT_EQ(scalar(database, "SELECT count(*) FROM services"), 20);
  // Again, skipping the bad line: the committed batches are skipped, the rest goes in once.
  auto opened = ScanIngest::open(database.conninfo(), metadata("bad"), options, clock);
  ASSERT_TRUE(opened);
  EXPECT_TRUE((*opened)->existed());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!(*opened)->add_line(lines[i], i + 1)) (*opened)->count_bad_line();
  }
  auto report = (*opened)->finish();
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->bad_lines, 1u);
  EXPECT_EQ(scalar(database, "SELECT count(*) FROM services"), 29);
  EXPECT_EQ(scalar(database, "SELECT count(*) FROM scans WHERE finished IS NOT NULL"), 1);
}

TEST(Ingest, BadDatabasesAreClearErrorsBeforeAnythingIsWritten) {
  SystemClock clock;
  auto malformed = ScanIngest::open("postgresql://u:secret@host:5432/db?nosuchoption=1", metadata("x"), {}, clock);
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().kind, Error::Kind::invalid_input);
  EXPECT_EQ(malformed.error().message.find("secret"), std::string::npos);
  auto unreachable = ScanIngest::open("host=/nonexistent/fumidai dbname=x", metadata("x"), {}, clock);
  ASSERT_FALSE(unreachable);
  EXPECT_NE(unreachable.error().message.find("cannot connect"), std::string::npos) << unreachable.error().message;

  TestDatabase empty(TestDatabase::Schema::empty);
  auto unmigrated = ScanIngest::open(empty.conninfo(), metadata("x"), {}, clock);
  ASSERT_FALSE(unmigrated);
  EXPECT_NE(unmigrated.error().message.find("fumidai db migrate"), std::string::npos) << unmigrated.error().message;
  TestDatabase newer;
  newer.exec("INSERT INTO schema_migrations (version, name, sha256) VALUES (9999, '9999_future.sql', 'x')");
  auto future = ScanIngest::open(newer.conninfo(), metadata("x"), {}, clock);
  ASSERT_FALSE(future);
  EXPECT_NE(future.error().message.find("newer than this binary"), std::string::npos) << future.error().message;
  EXPECT_EQ(scalar(newer, "SELECT count(*) FROM scans"), 0);
}

// A cluster of its own in a temporary directory: the shared fixture's stays up for the other tests.
class PrivateCluster {
 public:
  PrivateCluster() {
    char pattern[] = "/tmp/fumidai-restart-XXXXXX";
    const char* made = ::mkdtemp(pattern);
    EXPECT_NE(made, nullptr);
    directory_ = made != nullptr ? made : "";
    cluster_.emplace(directory_);
    auto up = cluster_->up();
    EXPECT_TRUE(up) << (up ? "" : up.error().message);
    auto session = Session::open(cluster_->conninfo());
    EXPECT_TRUE(session) << (session ? "" : session.error().message);
    if (session) {
      EXPECT_TRUE(migrate(*session));
    }
  }
  ~PrivateCluster() {
    (void)cluster_->down();
    std::error_code ec;
    std::filesystem::remove_all(directory_, ec);
  }
  const EmbeddedCluster& cluster() const { return *cluster_; }

 private:
  std::filesystem::path directory_;
  std::optional<EmbeddedCluster> cluster_;
};

TEST(Ingest, APostgresRestartMidIngestLosesNothingAndDuplicatesNothing) {
  PrivateCluster rig;
  const EmbeddedCluster& cluster = rig.cluster();
  constexpr std::size_t kRows = 200'000;
  const auto lines = synthetic(kRows);
  IngestOptions options;
  options.batch_rows = 2'000;
  options.reconnect_delay = std::chrono::milliseconds(100);
  std::atomic<int> restarts{0};
  std::thread background;
  options.after_batch = [&](const BatchOutcome& o) {
    if (o.sequence == 10) {
      // Between batches, on the writer's thread: its connection is dead when it goes on.
      EXPECT_TRUE(cluster.down());
      EXPECT_TRUE(cluster.up());
      ++restarts;
    } else if (o.sequence == 40) {
      // While the writer goes on: it finds the server gone mid-batch or between, and waits for it.
      background = std::thread([&] {
        EXPECT_TRUE(cluster.down());
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        EXPECT_TRUE(cluster.up());
        ++restarts;
      });
    }
  };
  auto report = ingest(cluster.conninfo(), metadata("restart"), lines, options);
  if (background.joinable()) background.join();
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(restarts.load(), 2);
  EXPECT_GE(report->reconnects, 2u);
  EXPECT_EQ(report->rows + report->duplicates, kRows);

  pqxx::connection c(cluster.conninfo());
  pqxx::read_transaction tx(c);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM services")[0].as<long long>(), static_cast<long long>(kRows));
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM (SELECT DISTINCT ip, port, transport FROM services) k")[0].as<long long>(),
            static_cast<long long>(kRows));
  EXPECT_EQ(tx.exec1("SELECT sum(rows) FROM ingest_batches")[0].as<long long>(), static_cast<long long>(kRows));
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM ingest_batches")[0].as<long long>(),
            static_cast<long long>(kRows / options.batch_rows));
  EXPECT_EQ(tx.exec1("SELECT rows_ingested FROM scans WHERE finished IS NOT NULL")[0].as<long long>(),
            static_cast<long long>(kRows));
}

}  // namespace
}  // namespace fumidai::db
