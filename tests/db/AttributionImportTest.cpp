// `fumidai import` against the real schema: every importer on a fixture with
// bad lines (abort, or --skip-bad), one transaction per import, dated
// imports, re-imports, nested prefixes in SQL, and the lab's own data.
#include "fumidai/db/AttributionImport.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

#include "TestDatabase.h"
#include "fumidai/db/AttributionSnapshot.h"

namespace fumidai::db {
namespace {

using test::TestDatabase;

const std::string fixtures = std::string(FUMIDAI_DB_TEST_DATA_DIR) + "/attribution/";
const std::string lab = std::string(FUMIDAI_LAB_DIR) + "/attribution/";

std::chrono::year_month_day ymd(int y, unsigned m, unsigned d) {
  return {std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
}
std::chrono::system_clock::time_point noon(int y, unsigned m, unsigned d) {
  return std::chrono::sys_days(ymd(y, m, d)) + std::chrono::hours(12);
}
boost::asio::ip::address ip(const std::string& text) { return boost::asio::ip::make_address(text); }

Result<AttributionImportReport> run(const TestDatabase& database, AttributionKind kind,
                                    std::vector<std::string> files, std::chrono::year_month_day date,
                                    bool skip_bad = false) {
  auto session = database.session();
  return import_attribution(session, {kind, std::move(files), date, skip_bad});
}

// Every row of every attribution table, so "nothing changed" can be checked.
std::int64_t stored_rows(const TestDatabase& database) {
  return database.scalar<std::int64_t>(
      "SELECT (SELECT count(*) FROM attribution_imports) + (SELECT count(*) FROM prefix_origins) + "
      "(SELECT count(*) FROM organizations) + (SELECT count(*) FROM as_orgs) + "
      "(SELECT count(*) FROM prefix_countries) + (SELECT count(*) FROM abuse_contacts)");
}

// The lab's files as one set of imports, dated 2025-01-01 by their names.
void import_lab(const TestDatabase& database) {
  const auto date = ymd(2025, 1, 1);
  const std::pair<AttributionKind, std::vector<std::string>> sets[] = {
      {AttributionKind::pfx2as, {lab + "routeviews-rv2-20250101-1200.pfx2as"}},
      {AttributionKind::as2org, {lab + "20250101.as-org2info.txt"}},
      {AttributionKind::delegated,
       {lab + "delegated-apnic-extended-20250101", lab + "delegated-ripencc-extended-20250101"}},
      {AttributionKind::geolite2_asn,
       {lab + "GeoLite2-ASN-CSV_20250101/GeoLite2-ASN-Blocks-IPv4.csv",
        lab + "GeoLite2-ASN-CSV_20250101/GeoLite2-ASN-Blocks-IPv6.csv"}},
      {AttributionKind::abuse, {lab + "abuse-contacts.csv"}},
  };
  for (const auto& [kind, files] : sets) {
    // The publishers' names carry the date; the abuse CSV's does not.
    if (kind != AttributionKind::abuse) {
      auto named = resolve_data_date(kind, files, std::nullopt);
      ASSERT_TRUE(named) << named.error().message;
      EXPECT_EQ(*named, date) << kind_name(kind);
    }
    auto report = run(database, kind, files, date);
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->skipped, 0) << kind_name(kind);
  }
}

struct BadFixture {
  AttributionKind kind;
  const char* file;
  const char* first_bad;  // "FILE:LINE: reason" fragment of the abort message
  std::int64_t rows;      // stored with --skip-bad
  std::int64_t skipped;
  const char* table;
};

const BadFixture bad_fixtures[] = {
    {AttributionKind::pfx2as, "bad-lines.pfx2as", "bad-lines.pfx2as:3: bad prefix \"198.18.0.1/18\": host bits set", 3,
     3, "prefix_origins"},
    {AttributionKind::as2org, "bad-lines.as-org2info.txt", "bad-lines.as-org2info.txt:3: bad country code", 3, 4,
     "as_orgs"},
    {AttributionKind::delegated, "bad-lines-delegated", "bad-lines-delegated:4: bad date", 3, 2, "prefix_countries"},
    {AttributionKind::geolite2_asn, "bad-lines-geolite2.csv", "bad-lines-geolite2.csv:3: bad AS number", 2, 2,
     "prefix_origins"},
    {AttributionKind::abuse, "bad-lines-abuse.csv", "bad-lines-abuse.csv:3: bad email address", 2, 3,
     "abuse_contacts"},
};

TEST(AttributionImport, ABadLineAbortsAndStoresNothing) {
  TestDatabase database;
  for (const auto& fixture : bad_fixtures) {
    auto report = run(database, fixture.kind, {fixtures + fixture.file}, ymd(2024, 1, 1));
    ASSERT_FALSE(report) << fixture.file;
    EXPECT_EQ(report.error().kind, Error::Kind::invalid_input);
    EXPECT_NE(report.error().message.find(fixture.first_bad), std::string::npos)
        << report.error().message << " (wanted " << fixture.first_bad << ")";
    EXPECT_EQ(stored_rows(database), 0) << fixture.file;
  }
}

TEST(AttributionImport, SkipBadStoresTheRestAndCounts) {
  TestDatabase database;
  for (const auto& fixture : bad_fixtures) {
    auto report = run(database, fixture.kind, {fixtures + fixture.file}, ymd(2024, 1, 1), true);
    ASSERT_TRUE(report) << fixture.file << ": " << report.error().message;
    EXPECT_EQ(report->rows, fixture.rows) << fixture.file;
    EXPECT_EQ(report->skipped, fixture.skipped) << fixture.file;
    ASSERT_FALSE(report->first_skipped.empty());
    EXPECT_NE(report->first_skipped[0].find(fixture.first_bad), std::string::npos) << report->first_skipped[0];
    EXPECT_EQ(database.scalar<std::int64_t>(
                  fmt::format("SELECT skipped FROM attribution_imports WHERE id = {}", report->import_id)),
              fixture.skipped);
    EXPECT_EQ(database.scalar<std::int64_t>(
                  fmt::format("SELECT rows FROM attribution_imports WHERE id = {}", report->import_id)),
              fixture.rows);
  }
  // What the skipped files left, spot-checked.
  EXPECT_EQ(database.scalar<std::string>("SELECT string_agg(asns::text, ' ' ORDER BY prefix) FROM prefix_origins "
                                         "WHERE import_id = 1"),
            "{64496} {64498} {64500,64501}");
  EXPECT_EQ(database.scalar<std::string>("SELECT string_agg(org_id || '/' || asn, ' ' ORDER BY asn) FROM as_orgs"),
            "ORG-A/64496 ORG-A/64497");
  EXPECT_EQ(database.scalar<std::string>("SELECT name FROM organizations"), "Alpha Net");
  EXPECT_EQ(database.scalar<std::string>(
                "SELECT string_agg(prefix::text || '=' || country, ' ' ORDER BY prefix) FROM prefix_countries"),
            "198.18.0.0/23=JP 198.18.2.0/24=JP 2001:db8::/32=KR");
  EXPECT_EQ(database.scalar<std::string>("SELECT coalesce(as_name, '-') FROM prefix_origins WHERE import_id = 4 "
                                         "AND asn = 64498"),
            "-");
  EXPECT_EQ(database.scalar<std::string>(
                "SELECT string_agg(coalesce(prefix::text, 'AS' || asn) || ' ' || email || ' ' || "
                "coalesce(updated::text, '-'), '; ' ORDER BY email) FROM abuse_contacts"),
            "198.18.0.0/16 abuse@alpha.example.jp 2024-01-01; AS64496 noc@alpha.example.jp -");
}

TEST(AttributionImport, AFailedImportLeavesTheOldData) {
  TestDatabase database;
  import_lab(database);
  const auto before = stored_rows(database);
  auto session = database.session();
  auto old_view = AttributionSnapshot::load(session, noon(2025, 6, 1));
  ASSERT_TRUE(old_view);

  // A newer pfx2as whose last line is bad: rows before it were already
  // COPYed when the bad line came, and must go with the transaction.
  const auto path = std::filesystem::temp_directory_path() / fmt::format("fumidai-late-bad-{}.pfx2as", getpid());
  {
    std::ofstream out(path);
    for (int i = 0; i < 30000; ++i) out << "10." << i / 256 << "." << i % 256 << ".0\t24\t64511\n";
    out << "10.200.0.0\t24\tAS64511\n";
  }
  auto failed = run(database, AttributionKind::pfx2as, {path.string()}, ymd(2025, 2, 1));
  std::filesystem::remove(path);
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find(":30001: bad AS number"), std::string::npos) << failed.error().message;
  EXPECT_EQ(stored_rows(database), before);
  auto new_view = AttributionSnapshot::load(session, noon(2025, 6, 1));
  ASSERT_TRUE(new_view);
  EXPECT_EQ(boost::json::serialize(new_view->imports()), boost::json::serialize(old_view->imports()));
  EXPECT_EQ(new_view->lookup(ip("198.18.1.1")).asn, 64496);
}

TEST(AttributionImport, OldScansKeepTheAttributionOfTheirDay) {
  TestDatabase database;
  import_lab(database);  // dated 2025-01-01: 198.18.64.0/18 is Kumo's (64498)
  const auto path = std::filesystem::temp_directory_path() / fmt::format("fumidai-newer-{}.pfx2as", getpid());
  std::ofstream(path) << "198.18.0.0\t16\t64496\n198.18.64.0\t18\t64500\n";  // a transfer to Minato
  auto newer = run(database, AttributionKind::pfx2as, {path.string()}, ymd(2025, 6, 1));
  std::filesystem::remove(path);
  ASSERT_TRUE(newer) << newer.error().message;

  auto session = database.session();
  auto old_scan = AttributionSnapshot::load(session, noon(2025, 3, 1));
  auto new_scan = AttributionSnapshot::load(session, noon(2025, 6, 1));
  auto older_than_all = AttributionSnapshot::load(session, noon(2020, 1, 1));
  ASSERT_TRUE(old_scan && new_scan && older_than_all);
  EXPECT_EQ(old_scan->lookup(ip("198.18.100.1")).asn, 64498);
  EXPECT_EQ(old_scan->lookup(ip("198.18.100.1")).org_name, "Kumo Broadband, Inc.");
  EXPECT_EQ(new_scan->lookup(ip("198.18.100.1")).asn, 64500);
  EXPECT_EQ(new_scan->lookup(ip("198.18.100.1")).org_name, "Minato Business Link K.K.");
  EXPECT_EQ(new_scan->imports().at("pfx2as").as_int64(), newer->import_id);
  EXPECT_EQ(new_scan->imports().at("as2org"), old_scan->imports().at("as2org"));
  // Data newer than a scan: the oldest import stands in.
  EXPECT_EQ(older_than_all->imports().at("pfx2as"), old_scan->imports().at("pfx2as"));
  // SQL agrees.
  EXPECT_EQ(database.scalar<std::int64_t>("SELECT asn FROM attribute_ip('198.18.100.1', '2025-03-01T12:00:00Z')"),
            64498);
  EXPECT_EQ(database.scalar<std::int64_t>("SELECT asn FROM attribute_ip('198.18.100.1', '2025-06-01T12:00:00Z')"),
            64500);
}

TEST(AttributionImport, ReimportingIsANoOpButANewDateIsANewImport) {
  TestDatabase database;
  const std::string file = lab + "routeviews-rv2-20250101-1200.pfx2as";
  auto first = run(database, AttributionKind::pfx2as, {file}, ymd(2025, 1, 1));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_FALSE(first->already_imported);
  EXPECT_EQ(first->rows, 13);
  EXPECT_EQ(first->sha256.size(), 64u);
  const auto before = stored_rows(database);
  auto again = run(database, AttributionKind::pfx2as, {file}, ymd(2025, 1, 1));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(again->already_imported);
  EXPECT_EQ(again->import_id, first->import_id);
  EXPECT_EQ(again->rows, 13);
  EXPECT_EQ(stored_rows(database), before);
  auto redated = run(database, AttributionKind::pfx2as, {file}, ymd(2025, 2, 1));
  ASSERT_TRUE(redated) << redated.error().message;
  EXPECT_FALSE(redated->already_imported);
  EXPECT_NE(redated->import_id, first->import_id);

  // The same bytes gzipped are other bytes: a new import, with the same rows.
  const auto gz = std::filesystem::temp_directory_path() / fmt::format("fumidai-{}.pfx2as.gz", getpid());
  {
    std::ifstream in(file, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    gzFile out = gzopen(gz.c_str(), "wb");
    gzwrite(out, text.data(), static_cast<unsigned>(text.size()));
    gzclose(out);
  }
  auto packed = run(database, AttributionKind::pfx2as, {gz.string()}, ymd(2025, 1, 1));
  std::filesystem::remove(gz);
  ASSERT_TRUE(packed) << packed.error().message;
  EXPECT_FALSE(packed->already_imported);
  EXPECT_EQ(packed->rows, 13);
  EXPECT_EQ(database.scalar<std::int64_t>(fmt::format(
                "SELECT count(*) FROM (SELECT prefix, asns FROM prefix_origins WHERE import_id = {} EXCEPT "
                "SELECT prefix, asns FROM prefix_origins WHERE import_id = {}) d",
                packed->import_id, first->import_id)),
            0);

  auto session = database.session();
  auto listed = list_attribution_imports(session, 10);
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].id, redated->import_id);  // newest data first
  EXPECT_TRUE((*listed)[0].current);
  EXPECT_FALSE((*listed)[1].current);
  EXPECT_EQ((*listed)[0].data_date, "2025-02-01");
}

TEST(AttributionImport, EmptyOrAllBadFilesAreRefused) {
  TestDatabase database;
  const auto path = std::filesystem::temp_directory_path() / fmt::format("fumidai-empty-{}.pfx2as", getpid());
  std::ofstream(path) << "# nothing here\n";
  auto empty = run(database, AttributionKind::pfx2as, {path.string()}, ymd(2025, 1, 1));
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("no pfx2as records"), std::string::npos) << empty.error().message;
  std::ofstream(path) << "garbage\n";
  auto all_bad = run(database, AttributionKind::pfx2as, {path.string()}, ymd(2025, 1, 1), true);
  std::filesystem::remove(path);
  ASSERT_FALSE(all_bad);
  EXPECT_NE(all_bad.error().message.find("every line was bad"), std::string::npos) << all_bad.error().message;
  const std::string lab_file = lab + "routeviews-rv2-20250101-1200.pfx2as";
  auto twice = run(database, AttributionKind::pfx2as, {lab_file, lab_file}, ymd(2025, 1, 1));
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("named twice"), std::string::npos) << twice.error().message;
  auto missing = run(database, AttributionKind::pfx2as, {"/nonexistent/fumidai.pfx2as"}, ymd(2025, 1, 1));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, Error::Kind::invalid_input);
  EXPECT_EQ(stored_rows(database), 0);
}

TEST(AttributionImport, NestedPrefixesInSqlMostSpecificWins) {
  TestDatabase database;
  import_lab(database);
  // The index query the API uses, on the lab's four-deep nesting.
  const auto most_specific = [&](const char* address) {
    return database.scalar<std::int64_t>(fmt::format(
        "SELECT asn FROM prefix_origins WHERE import_id = (SELECT id FROM current_imports WHERE kind = 'pfx2as') "
        "AND prefix >>= '{}'::inet ORDER BY masklen(prefix) DESC LIMIT 1",
        address));
  };
  EXPECT_EQ(most_specific("198.18.1.1"), 64496);    // the /16
  EXPECT_EQ(most_specific("198.18.100.1"), 64498);  // the /18 inside it
  EXPECT_EQ(most_specific("198.18.65.1"), 64499);   // the /20 inside that
  EXPECT_EQ(most_specific("198.18.73.1"), 64497);   // the /22 inside that
  EXPECT_EQ(most_specific("198.18.80.1"), 64498);   // past the /20: the /18 again
  EXPECT_EQ(most_specific("2001:db8:1000::1"), 64498);
  // The planner can answer >>= from the prefix index (SP-GiST, migration 0003).
  pqxx::connection connection(database.conninfo());
  pqxx::nontransaction tx(connection);
  tx.exec("SET enable_seqscan = off");
  std::string plan;
  for (const auto& row : tx.exec("EXPLAIN SELECT asn FROM prefix_origins WHERE prefix >>= '198.18.1.1'::inet "
                                 "ORDER BY masklen(prefix) DESC LIMIT 1")) {
    plan += row[0].c_str();
  }
  EXPECT_NE(plan.find("prefix_origins_prefix"), std::string::npos) << plan;
}

TEST(AttributionImport, TheLabsFilesAttributeEveryLabAddress) {
  TestDatabase database;
  import_lab(database);
  EXPECT_EQ(database.scalar<std::string>("SELECT string_agg(kind || '=' || rows, ' ' ORDER BY kind) FROM "
                                         "current_imports"),
            "abuse=16 as2org=11 delegated=10 geolite2-asn=24 pfx2as=13");
  EXPECT_EQ(database.scalar<std::string>("SELECT string_agg(org_id || array_to_string(asns, ','), ' ' ORDER BY "
                                         "org_id) FROM isps"),
            "ORG-KUMO-JPNIC64498 ORG-MINATO-JPNIC64500 ORG-RHEIN-RIPE64501 ORG-SAKURA-JPNIC64496,64497 "
            "ORG-TSUBAME-JPNIC64499");

  auto session = database.session();
  auto snapshot = AttributionSnapshot::load(session, noon(2026, 1, 1));
  ASSERT_TRUE(snapshot) << snapshot.error().message;
  std::map<std::string, int> by_org;
  const auto base = boost::asio::ip::make_address_v4("198.18.0.0").to_uint();
  for (std::uint32_t i = 0; i < 65536 + 256; ++i) {
    const auto address = boost::asio::ip::address_v4(base + i);  // 198.18.0.0/16, then 198.19.0.0/24
    const auto a = snapshot->lookup(address);
    ASSERT_TRUE(a.asn) << address;
    ASSERT_FALSE(a.org_id.empty()) << address;
    ASSERT_FALSE(a.org_name.empty()) << address;
    ASSERT_EQ(a.country.size(), 2u) << address;
    ++by_org[a.org_id];
  }
  EXPECT_EQ(by_org.size(), 6u);  // five ISPs and Hoshizora, through GeoLite2

  struct Host {
    const char* ip;
    std::int64_t asn;
    const char* org_id;
    const char* country;
  };
  const Host hosts[] = {
      {"198.19.0.10", 64500, "ORG-MINATO-JPNIC", "JP"},  {"198.19.0.25", 64496, "ORG-SAKURA-JPNIC", "JP"},
      {"198.19.0.35", 64498, "ORG-KUMO-JPNIC", "JP"},    {"198.19.0.44", 64500, "ORG-MINATO-JPNIC", "JP"},
      {"198.19.0.85", 64501, "ORG-RHEIN-RIPE", "DE"},    {"198.19.0.97", 64510, "AS64510", "JP"},
      {"198.18.73.1", 64497, "ORG-SAKURA-JPNIC", "JP"},  {"198.18.170.1", 64497, "ORG-SAKURA-JPNIC", "JP"},
      {"198.18.250.1", 64501, "ORG-RHEIN-RIPE", "DE"},   {"2001:db8:1000::1", 64498, "ORG-KUMO-JPNIC", "JP"},
  };
  for (const auto& host : hosts) {
    const auto a = snapshot->lookup(ip(host.ip));
    EXPECT_EQ(a.asn, host.asn) << host.ip;
    EXPECT_EQ(a.org_id, host.org_id) << host.ip;
    EXPECT_EQ(a.country, host.country) << host.ip;
    // attribute_ip() in SQL gives the same answer.
    EXPECT_EQ(database.scalar<std::string>(fmt::format(
                  "SELECT concat_ws('/', asn, org_id, org_name, country) FROM attribute_ip('{}', '2026-01-01')",
                  host.ip)),
              fmt::format("{}/{}/{}/{}", *a.asn, a.org_id, a.org_name, a.country))
        << host.ip;
  }
  EXPECT_EQ(snapshot->lookup(ip("198.19.0.97")).org_name, "Hoshizora Hosting");

  // Abuse contacts: the most specific prefix's, else the AS's.
  EXPECT_EQ(database.scalar<std::string>(
                "SELECT string_agg(email, ' ') FROM abuse_contacts_for('198.18.73.1', 64497, '2026-01-01')"),
            "mobile-abuse@sakura-hikari.example.jp");
  EXPECT_EQ(database.scalar<std::string>(
                "SELECT string_agg(email, ' ') FROM abuse_contacts_for('198.19.0.97', 64510, '2026-01-01')"),
            "abuse@hoshizora.example.net");
  // A router persona in Kumo's /29, nested in Minato's /26: Kumo's contact.
  EXPECT_EQ(database.scalar<std::string>(
                "SELECT string_agg(email, ' ') FROM abuse_contacts_for('198.19.0.33', 64498, '2026-01-01')"),
            "abuse@kumo-bb.example.jp");
}

}  // namespace
}  // namespace fumidai::db
