// Campaigns over lab data in a real PostgreSQL: the lab's attribution and
// abuse contacts imported, a scan of lab routers folded in, then campaigns
// made through CampaignService as the API and the CLI make them. Letters are
// read back with Python's email package (parse_mime.py), not our own parser.
#include "fumidai/campaigns/CampaignService.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "ScanFixture.h"
#include "TestDatabase.h"
#include "fumidai/campaigns/CampaignPlanner.h"
#include "fumidai/campaigns/Remediation.h"
#include "fumidai/core/ManualClock.h"
#include "fumidai/core/Subprocess.h"
#include "fumidai/db/AttributionImport.h"
#include "fumidai/db/CampaignStore.h"
#include "fumidai/db/OptoutStore.h"

namespace fumidai::campaigns {
namespace {

using test::Fingerprint;
using test::Observation;
using test::ScanFixture;

const Fingerprint kRouter{"router", "tplink-archer-c7", "TP-Link", "Archer C7", "5.0"};
const Fingerprint kPptp{"vpn", "router-pptp-server", "TP-Link", "PPTP server", ""};

struct Isp {
  std::int64_t asn;
  const char* org_id;
  const char* org_name;
  const char* country;
};
// lab/attribution/README.md: who holds which part of 198.19.0.0/24.
const Isp kSakura{64496, "ORG-SAKURA-JPNIC", "Sakura Hikari Net K.K.", "JP"};     // .16/28
const Isp kKumo{64498, "ORG-KUMO-JPNIC", "Kumo Broadband, Inc.", "JP"};            // .32/29
const Isp kMinato{64500, "ORG-MINATO-JPNIC", "Minato Business Link K.K.", "JP"};   // .0/26 less the above
const Isp kRhein{64501, "ORG-RHEIN-RIPE", "Rhein Telecom GmbH", "DE"};             // .64/27

Observation vpn_router(const Isp& isp, std::string ip) {
  Observation o;
  o.ip = std::move(ip);
  o.port = 1723;
  o.protocol = "pptp";
  o.fingerprints = {kPptp, kRouter};
  o.labels = {"vpn-on-consumer-router"};
  o.asn = isp.asn;
  o.org_id = isp.org_id;
  o.org_name = isp.org_name;
  o.country = isp.country;
  return o;
}

boost::json::object parse_messages(const std::vector<std::string>& paths) {
  std::vector<std::string> argv{"python3", std::string(FUMIDAI_TESTS_DIR) + "/campaigns/parse_mime.py"};
  argv.insert(argv.end(), paths.begin(), paths.end());
  auto run = run_subprocess(argv, 64 << 20);
  EXPECT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->exit_code, 0) << run->output;
  return boost::json::parse(run->output).as_object();
}

class CampaignService : public ::testing::Test {
 protected:
  void SetUp() override {
    auto session = database.session();
    const std::string lab = std::string(FUMIDAI_LAB_DIR) + "/attribution/";
    const std::chrono::year_month_day date{std::chrono::year(2025), std::chrono::month(1), std::chrono::day(1)};
    for (const auto& [kind, file] :
         {std::pair{db::AttributionKind::pfx2as, lab + "routeviews-rv2-20250101-1200.pfx2as"},
          std::pair{db::AttributionKind::as2org, lab + "20250101.as-org2info.txt"},
          std::pair{db::AttributionKind::abuse, lab + "abuse-contacts.csv"}}) {
      auto imported = db::import_attribution(session, {kind, {file}, date, false});
      ASSERT_TRUE(imported) << imported.error().message;
    }
    ScanFixture f(database);
    first = f.scan({"2026-04-06T00:00:00Z", {"198.19.0.0/24"}, {80, 1723}, {}});
    f.observe(first, {vpn_router(kSakura, "198.19.0.20"), vpn_router(kSakura, "198.19.0.21"),
                      vpn_router(kKumo, "198.19.0.33"), vpn_router(kKumo, "198.19.0.34"),
                      vpn_router(kMinato, "198.19.0.12"), vpn_router(kRhein, "198.19.0.70")});
    f.finalize(first);
    ServiceConfig config;
    config.sender = {"cert@fumidai.example", "fumidai CERT", "https://fumidai.example"};
    auto loaded = CampaignService::load(config, clock);
    ASSERT_TRUE(loaded) << loaded.error().message;
    service = *loaded;
  }

  CampaignRequest jp_vpn_routers(std::string language) {
    CampaignRequest r;
    r.name = "JP routers with a VPN switched on";
    r.selection.labels = {"vpn-on-consumer-router"};
    r.selection.countries = {"JP"};
    r.selection_json = R"({"label":["vpn-on-consumer-router"],"country":["JP"]})";
    r.language = std::move(language);
    r.seed = 1;
    return r;
  }

  std::string write_letter(db::Session& session, std::int64_t campaign, std::int64_t rid) {
    auto eml = db::CampaignStore(session).letter_eml(campaign, rid);
    EXPECT_TRUE(eml && *eml);
    const auto path = (scratch / fmt::format("letter-{}-{}.eml", campaign, rid)).string();
    std::ofstream(path, std::ios::binary) << **eml;
    return path;
  }

  void TearDown() override { std::filesystem::remove_all(scratch); }

  test::TestDatabase database;
  ManualClock clock;
  std::shared_ptr<const campaigns::CampaignService> service;
  std::int64_t first = 0;
  std::filesystem::path scratch = std::filesystem::temp_directory_path() /
                                  fmt::format("fumidai-campaign-test-{}", ::getpid());
  [[maybe_unused]] bool made = std::filesystem::create_directories(scratch);
};

TEST_F(CampaignService, GroupsJapaneseVpnRoutersByAbuseContactAndWritesOneLetterEach) {
  auto session = database.session();
  auto created = service->create(session, jp_vpn_routers("en"), {}, {std::nullopt, "cli"});
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->summary.exposures_by_arm.at("treatment"), 5);  // Rhein (DE) is not selected
  EXPECT_TRUE(created->unresolved.empty());
  auto recipients = db::CampaignStore(session).recipients(created->summary.id);
  ASSERT_TRUE(recipients);
  std::map<std::string, std::int64_t> by_email;
  for (const auto& r : *recipients) by_email[r.email] = r.exposures;
  // .20/.21 fall in 198.19.0.16/28 (Sakura's contact), .33/.34 in .32/29 (Kumo's), .12 in .0/26 (Minato's).
  EXPECT_EQ(by_email, (std::map<std::string, std::int64_t>{{"abuse@kumo-bb.example.jp", 2},
                                                           {"abuse@sakura-hikari.example.jp", 2},
                                                           {"security@minato-biz.example.jp", 1}}));
  auto letters = db::CampaignStore(session).letters(created->summary.id);
  ASSERT_TRUE(letters);
  EXPECT_EQ(letters->size(), 3u);
  for (const auto& l : *letters) EXPECT_EQ(l.mail.state, db::MailState::queued);

  const auto kumo = std::find_if(recipients->begin(), recipients->end(),
                                 [](const auto& r) { return r.email == "abuse@kumo-bb.example.jp"; });
  const auto path = write_letter(session, created->summary.id, kumo->id);
  const auto parsed = parse_messages({path}).at(path).as_object();
  EXPECT_TRUE(parsed.at("defects").as_array().empty()) << boost::json::serialize(parsed.at("defects"));
  const auto& headers = parsed.at("headers").as_object();
  EXPECT_EQ(headers.at("to").as_array()[0], "\"Kumo Broadband, Inc.\" <abuse@kumo-bb.example.jp>");
  EXPECT_EQ(headers.at("from").as_array()[0], "fumidai CERT <cert@fumidai.example>");
  EXPECT_EQ(headers.at("subject").as_array()[0],
            "[fumidai CERT] 2 hijackable devices in your network (JP routers with a VPN switched on)");
  const auto& parts = parsed.at("parts").as_array();
  ASSERT_EQ(parts.size(), 2u);
  const std::string body(parts[0].at("text").as_string());
  EXPECT_EQ(parts[0].at("content_type"), "text/plain");
  EXPECT_NE(body.find("Dear Kumo Broadband, Inc. security team"), std::string::npos) << body;
  EXPECT_NE(body.find("198.19.0.33 port 1723/pptp  TP-Link Archer C7 5.0"), std::string::npos) << body;
  EXPECT_NE(body.find("VPN server switched on in a home or small-office router"), std::string::npos);
  EXPECT_NE(body.find("accounts you do not know"), std::string::npos);
  EXPECT_NE(body.find("https://fumidai.example/v1/ack/"), std::string::npos);
  EXPECT_EQ(parts[1].at("content_type"), "text/csv");
  EXPECT_EQ(parts[1].at("filename"), "affected-devices.csv");
  const std::string csv(parts[1].at("text").as_string());
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
            "timestamp,severity,ip,protocol,port,hostname,tag,asn,geo,device_vendor,device_type,device_model,"
            "device_version");
  EXPECT_NE(csv.find(",198.19.0.33,pptp,1723,,vpn-on-consumer-router,64498,JP,TP-Link,router,Archer C7,5.0\r\n"),
            std::string::npos)
      << csv;
}

TEST_F(CampaignService, WritesInJapaneseWithTheAdviceInJapanese) {
  auto session = database.session();
  auto created = service->create(session, jp_vpn_routers("ja"), {}, {std::nullopt, "cli"});
  ASSERT_TRUE(created) << created.error().message;
  const auto path = write_letter(session, created->summary.id, 1);
  const auto parsed = parse_messages({path}).at(path).as_object();
  const std::string subject(parsed.at("headers").at("subject").as_array()[0].as_string());
  EXPECT_NE(subject.find("踏み台化のおそれがある機器"), std::string::npos) << subject;
  const std::string body(parsed.at("parts").as_array()[0].at("text").as_string());
  EXPECT_NE(body.find("セキュリティご担当者様"), std::string::npos) << body;
  EXPECT_NE(body.find("家庭用・小規模オフィス用ルーターで VPN サーバーが有効になっています"), std::string::npos);
  EXPECT_NE(body.find("心当たりのないアカウント"), std::string::npos);
  EXPECT_NE(body.find("ファームウェア"), std::string::npos);
}

TEST_F(CampaignService, SplitsRecipientsIntoArmsBySeedAndRecordsIt) {
  auto session = database.session();
  auto request = jp_vpn_routers("en");
  request.control_fraction = 0.5;
  request.seed = 20261127;
  auto created = service->create(session, request, {}, {std::nullopt, "cli"});
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->summary.seed, 20261127u);
  auto recipients = db::CampaignStore(session).recipients(created->summary.id);
  ASSERT_TRUE(recipients);
  std::size_t treated = 0;
  for (const auto& r : *recipients) {
    EXPECT_EQ(r.arm == db::CampaignArm::control, r.draw < 0.5) << r.key;
    treated += r.arm == db::CampaignArm::treatment ? 1 : 0;
  }
  auto letters = db::CampaignStore(session).letters(created->summary.id);
  ASSERT_TRUE(letters);
  EXPECT_EQ(letters->size(), treated);  // control recipients get no letter
  // The same seed over the same data draws the same arms.
  auto again = service->create(session, request, {}, {std::nullopt, "cli"});
  ASSERT_TRUE(again);
  auto recipients_again = db::CampaignStore(session).recipients(again->summary.id);
  ASSERT_TRUE(recipients_again);
  ASSERT_EQ(recipients_again->size(), recipients->size());
  for (std::size_t i = 0; i < recipients->size(); ++i) EXPECT_EQ((*recipients_again)[i].arm, (*recipients)[i].arm);
}

TEST_F(CampaignService, GroupsByNationalCertAndListsTheUnresolved) {
  auto session = database.session();
  auto request = jp_vpn_routers("en");
  request.selection.countries.clear();  // JP and DE
  request.grouping = db::CampaignGrouping::national_cert;
  request.selection_json = R"({"label":["vpn-on-consumer-router"]})";
  auto created = service->create(session, request, {}, {std::nullopt, "cli"});
  ASSERT_TRUE(created) << created.error().message;
  auto recipients = db::CampaignStore(session).recipients(created->summary.id);
  ASSERT_TRUE(recipients);
  ASSERT_EQ(recipients->size(), 2u);
  EXPECT_EQ((*recipients)[0].name, "JPCERT/CC");
  EXPECT_EQ((*recipients)[0].exposures, 5);
  // DE has a CERT in the shipped list; this selection's DE router goes there.
  EXPECT_EQ((*recipients)[1].name, "CERT-Bund");
}

TEST_F(CampaignService, RefusesEmptySelectionsBadFractionsAndUnknownLanguages) {
  auto session = database.session();
  auto request = jp_vpn_routers("en");
  request.selection.countries = {"FR"};
  auto empty = service->create(session, request, {}, {std::nullopt, "cli"});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().kind, Error::Kind::invalid_input);
  EXPECT_NE(empty.error().message.find("matches no exposures"), std::string::npos);
  request = jp_vpn_routers("en");
  request.control_fraction = 0.7;
  EXPECT_FALSE(service->create(session, request, {}, {std::nullopt, "cli"}));
  request = jp_vpn_routers("xx");
  auto language = service->create(session, request, {}, {std::nullopt, "cli"});
  ASSERT_FALSE(language);
  EXPECT_NE(language.error().message.find("there are: en, ja"), std::string::npos) << language.error().message;
  request = jp_vpn_routers("en");
  request.name = "two\r\nlines";
  EXPECT_FALSE(service->create(session, request, {}, {std::nullopt, "cli"}));
  auto list = db::CampaignStore(session).list(std::nullopt);
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->empty());  // nothing half-made
}

TEST_F(CampaignService, ScopeNarrowsTheSelectionToTheAnalystsNetworks) {
  auto session = database.session();
  db::Scope kumo_only{true, {64498}, {}, {}};
  auto created = service->create(session, jp_vpn_routers("en"), kumo_only, {7, "kumo-analyst"});
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->summary.exposures_by_arm.at("treatment"), 2);
  EXPECT_EQ(created->summary.created_by, "kumo-analyst");
}

TEST_F(CampaignService, HeaderInjectionThroughAnOrganisationNameGoesNowhere) {
  database.exec("UPDATE hosts SET org_name = E'Kumo\\r\\nBcc: victim@example.com' WHERE ip <<= '198.19.0.32/29'");
  auto session = database.session();
  auto created = service->create(session, jp_vpn_routers("en"), {}, {std::nullopt, "cli"});
  ASSERT_TRUE(created) << created.error().message;
  auto recipients = db::CampaignStore(session).recipients(created->summary.id);
  ASSERT_TRUE(recipients);
  for (const auto& r : *recipients) {
    const auto path = write_letter(session, created->summary.id, r.id);
    std::ifstream in(path, std::ios::binary);
    const std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(raw.find("\nBcc:"), std::string::npos);
    const auto parsed = parse_messages({path}).at(path).as_object();
    EXPECT_FALSE(parsed.at("headers").as_object().contains("bcc"));
    EXPECT_EQ(parsed.at("headers").at("to").as_array().size(), 1u);
  }
}

TEST_F(CampaignService, LeavesVerifiedOptOutsOut) {
  database.exec(
      "INSERT INTO optouts (prefix, contact, reason, verify_to, token_hash, state, requested, verified, expires) "
      "VALUES ('198.19.0.32/29', 'noc@kumo-bb.example.jp', 'test', 'abuse@kumo-bb.example.jp', 'x', 'verified', "
      "now(), now(), now() + interval '1 day')");
  auto session = database.session();
  auto created = service->create(session, jp_vpn_routers("en"), {}, {std::nullopt, "cli"});
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->summary.excluded_optout, 2);
  EXPECT_EQ(created->summary.exposures_by_arm.at("treatment"), 3);
}

TEST_F(CampaignService, RemediationComparesArmsOverLaterScans) {
  auto session = database.session();
  auto request = jp_vpn_routers("en");
  request.control_fraction = 0.5;
  // The first seed that puts Kumo in control and the others in treatment.
  std::uint64_t seed = 0;
  while (!(arm_draw(seed, "abuse@kumo-bb.example.jp") < 0.5 && arm_draw(seed, "abuse@sakura-hikari.example.jp") >= 0.5 &&
           arm_draw(seed, "security@minato-biz.example.jp") >= 0.5)) {
    ++seed;
  }
  request.seed = seed;
  auto created = service->create(session, request, {}, {std::nullopt, "cli"});
  ASSERT_TRUE(created) << created.error().message;
  auto recipients = db::CampaignStore(session).recipients(created->summary.id);
  ASSERT_TRUE(recipients);
  std::map<std::string, db::CampaignArm> arms;
  for (const auto& r : *recipients) arms[r.email] = r.arm;
  ASSERT_EQ(arms["abuse@kumo-bb.example.jp"], db::CampaignArm::control);
  ASSERT_EQ(arms["abuse@sakura-hikari.example.jp"], db::CampaignArm::treatment);
  ASSERT_EQ(arms["security@minato-biz.example.jp"], db::CampaignArm::treatment);

  // A later scan: Sakura fixed .20, Minato fixed .12, Kumo fixed nothing.
  ScanFixture f(database);
  const auto later = f.scan({"2099-01-01T00:00:00Z", {"198.19.0.0/24"}, {80, 1723}, {}});
  f.observe(later, {vpn_router(kSakura, "198.19.0.21"), vpn_router(kKumo, "198.19.0.33"),
                    vpn_router(kKumo, "198.19.0.34")});
  f.finalize(later);
  auto remediation = service->remediation(session, created->summary.id);
  ASSERT_TRUE(remediation) << remediation.error().message;
  ASSERT_EQ(remediation->curve.size(), 1u);
  const auto& p = remediation->curve[0];
  EXPECT_EQ(p.scan_id, later);
  EXPECT_EQ(p.treatment.covered, 3);
  EXPECT_EQ(p.treatment.present, 1);
  EXPECT_EQ(p.control.covered, 2);
  EXPECT_EQ(p.control.present, 2);
  EXPECT_NEAR(*p.difference, 1.0 / 3 - 1.0, 1e-12);
  EXPECT_FALSE(p.ci_low.has_value());  // one control recipient: no interval
}

}  // namespace
}  // namespace fumidai::campaigns
