// Campaigns made through CampaignService, as the API and the CLI make them,
// over lab data in a real PostgreSQL (LabCampaignFixture.h).
#include <gtest/gtest.h>

#include <fstream>

#include "LabCampaignFixture.h"
#include "fumidai/campaigns/CampaignPlanner.h"
#include "fumidai/campaigns/CampaignService.h"
#include "fumidai/campaigns/Remediation.h"
#include "fumidai/db/CampaignStore.h"

namespace fumidai::campaigns {
namespace {

using test::attachment_text;
using test::kKumo;
using test::kSakura;
using test::parse_message;
using test::vpn_router;
using Campaigns = test::LabCampaignFixture;

TEST_F(Campaigns, GroupsJapaneseVpnRoutersByAbuseContactAndWritesOneLetterEach) {
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
  const auto parsed = parse_message(path);
  EXPECT_TRUE(parsed.at("defects").as_array().empty()) << boost::json::serialize(parsed.at("defects"));
  EXPECT_EQ(parsed.at("to").at("display_name"), "Kumo Broadband, Inc.");
  EXPECT_EQ(parsed.at("to").at("addr_spec"), "abuse@kumo-bb.example.jp");
  EXPECT_EQ(parsed.at("from").at("display_name"), "fumidai CERT");
  EXPECT_EQ(parsed.at("from").at("addr_spec"), "cert@fumidai.example");
  EXPECT_EQ(parsed.at("subject"),
            "[fumidai CERT] 2 hijackable devices in your network (JP routers with a VPN switched on)");
  const std::string body(parsed.at("text").as_string());
  EXPECT_NE(body.find("Dear Kumo Broadband, Inc. security team"), std::string::npos) << body;
  EXPECT_NE(body.find("198.19.0.33 port 1723/pptp  TP-Link Archer C7 5.0"), std::string::npos) << body;
  EXPECT_NE(body.find("VPN server switched on in a home or small-office router"), std::string::npos);
  EXPECT_NE(body.find("accounts you do not know"), std::string::npos);
  EXPECT_NE(body.find("https://fumidai.example/v1/ack/"), std::string::npos);
  const auto& attachments = parsed.at("attachments").as_array();
  ASSERT_EQ(attachments.size(), 1u);
  EXPECT_EQ(attachments[0].at("content_type"), "text/csv");
  EXPECT_EQ(attachments[0].at("filename"), "affected-devices.csv");
  const std::string csv = attachment_text(parsed, 0);
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
            "timestamp,severity,ip,protocol,port,hostname,tag,asn,geo,device_vendor,device_type,device_model,"
            "device_version");
  EXPECT_NE(csv.find(",198.19.0.33,pptp,1723,,vpn-on-consumer-router,64498,JP,TP-Link,router,Archer C7,5.0\r\n"),
            std::string::npos)
      << csv;
}

TEST_F(Campaigns, WritesInJapaneseWithTheAdviceInJapanese) {
  auto session = database.session();
  auto created = service->create(session, jp_vpn_routers("ja"), {}, {std::nullopt, "cli"});
  ASSERT_TRUE(created) << created.error().message;
  const auto path = write_letter(session, created->summary.id, 1);
  const auto parsed = parse_message(path);
  const std::string subject(parsed.at("subject").as_string());
  EXPECT_NE(subject.find("踏み台化のおそれがある機器"), std::string::npos) << subject;
  const std::string body(parsed.at("text").as_string());
  EXPECT_NE(body.find("セキュリティご担当者様"), std::string::npos) << body;
  EXPECT_NE(body.find("家庭用・小規模オフィス用ルーターで VPN サーバーが有効になっています"), std::string::npos);
  EXPECT_NE(body.find("心当たりのないアカウント"), std::string::npos);
  EXPECT_NE(body.find("ファームウェア"), std::string::npos);
}

TEST_F(Campaigns, SplitsRecipientsIntoArmsBySeedAndRecordsIt) {
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

TEST_F(Campaigns, GroupsByNationalCertAndListsTheUnresolved) {
  auto session = database.session();
  auto request = jp_vpn_routers("en");
  request.selection.countries.clear();  // JP and DE
  request.grouping = db::CampaignGrouping::national_cert;
  request.selection_json = R"({"label":["vpn-on-consumer-router"]})";
  auto created = service->create(session, request, {}, {std::nullopt, "cli"});
  ASSERT_TRUE(created) << created.error().message;
  auto recipients = db::CampaignStore(session).recipients(created->summary.id);
  ASSERT_TRUE(recipients);
  ASSERT_EQ(recipients->size(), 2u);  // by key: cert-bund, jpcert-cc
  // DE has a CERT in the shipped list; this selection's DE router goes there.
  EXPECT_EQ((*recipients)[0].name, "CERT-Bund");
  EXPECT_EQ((*recipients)[0].exposures, 1);
  EXPECT_EQ((*recipients)[1].name, "JPCERT/CC");
  EXPECT_EQ((*recipients)[1].email, "info@jpcert.or.jp");
  EXPECT_EQ((*recipients)[1].exposures, 5);
  EXPECT_TRUE(created->unresolved.empty());
}

TEST_F(Campaigns, RefusesEmptySelectionsBadFractionsAndUnknownLanguages) {
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

TEST_F(Campaigns, ScopeNarrowsTheSelectionToTheAnalystsNetworks) {
  auto session = database.session();
  db::Scope kumo_only{true, {64498}, {}, {}};
  auto created = service->create(session, jp_vpn_routers("en"), kumo_only, {std::nullopt, "kumo-analyst"});
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->summary.exposures_by_arm.at("treatment"), 2);
  EXPECT_EQ(created->summary.created_by, "kumo-analyst");
}

TEST_F(Campaigns, HeaderInjectionThroughAnOrganisationNameGoesNowhere) {
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
    const auto parsed = parse_message(path);
    for (const auto& name : parsed.at("header_names").as_array()) EXPECT_NE(name, "Bcc");
    EXPECT_EQ(parsed.at("to").at("addr_spec").as_string(), r.email);
  }
}

TEST_F(Campaigns, LeavesVerifiedOptOutsOut) {
  database.exec(
      "INSERT INTO optouts (prefix, contact, reason, verify_to, token_hash, state, requested, verified, expires) "
      "VALUES ('198.19.0.32/29', 'noc@kumo-bb.example.jp', 'test', 'abuse@kumo-bb.example.jp', repeat('a', 64), "
      "'verified', "
      "now(), now(), now() + interval '1 day')");
  auto session = database.session();
  auto created = service->create(session, jp_vpn_routers("en"), {}, {std::nullopt, "cli"});
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->summary.excluded_optout, 2);
  EXPECT_EQ(created->summary.exposures_by_arm.at("treatment"), 3);
}

TEST_F(Campaigns, RemediationComparesArmsOverLaterScans) {
  auto session = database.session();
  auto request = jp_vpn_routers("en");
  request.control_fraction = 0.5;
  // The first seed that puts Kumo in control and the others in treatment.
  std::uint64_t seed = 0;
  while (!(arm_draw(seed, "abuse@kumo-bb.example.jp") < 0.5 &&
           arm_draw(seed, "abuse@sakura-hikari.example.jp") >= 0.5 &&
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
  const auto later = scans.scan({"2099-01-01T00:00:00Z", {"198.19.0.0/24"}, {80, 1723}, {}});
  scans.observe(
      later, {vpn_router(kSakura, "198.19.0.21"), vpn_router(kKumo, "198.19.0.33"), vpn_router(kKumo, "198.19.0.34")});
  scans.finalize(later);
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
