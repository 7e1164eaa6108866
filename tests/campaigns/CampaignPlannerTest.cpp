#include "fumidai/campaigns/CampaignPlanner.h"

#include <gtest/gtest.h>

#include <set>

namespace fumidai::campaigns {
namespace {

db::ExposureItem exposure(std::string ip, std::string org_id, std::string org_name, std::string country) {
  db::ExposureItem e;
  e.ip = std::move(ip);
  e.port = 1723;
  e.transport = "tcp";
  e.org_id = std::move(org_id);
  e.org_name = std::move(org_name);
  e.country = std::move(country);
  return e;
}

NationalCertDirectory certs() {
  auto d = NationalCertDirectory::parse("country,id,name,email\nJP,jpcert-cc,JPCERT/CC,info@jpcert.example\n", "t");
  EXPECT_TRUE(d) << d.error().message;
  return *d;
}

PlanInput lab_like(db::CampaignGrouping grouping) {
  PlanInput in;
  in.grouping = grouping;
  in.seed = 42;
  in.exposures = {exposure("198.19.0.20", "ORG-SAKURA", "Sakura Hikari", "JP"),
                  exposure("198.19.0.21", "ORG-SAKURA", "Sakura Hikari", "JP"),
                  exposure("198.19.0.33", "ORG-KUMO", "Kumo Broadband", "JP"),
                  exposure("198.19.0.81", "ORG-RHEIN", "Rhein Telecom", "DE"),
                  exposure("198.19.0.97", "", "", "")};
  in.contacts = {{"198.19.0.20", "Abuse@Sakura.example"},  // addresses compare case-insensitively
                 {"198.19.0.21", "abuse@sakura.example"},
                 {"198.19.0.33", "abuse@kumo.example"},
                 {"198.19.0.81", "abuse@rhein.example"}};
  return in;
}

TEST(CampaignPlanner, GroupsByAbuseContactAndListsTheUnresolved) {
  const auto r = plan_recipients(lab_like(db::CampaignGrouping::abuse_contact), certs());
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].key, "abuse@kumo.example");
  EXPECT_EQ(r[0].name, "Kumo Broadband");
  EXPECT_EQ(r[2].key, "abuse@sakura.example");
  EXPECT_EQ(r[2].exposures.size(), 2u);
  EXPECT_EQ(r[3].arm, db::CampaignArm::unresolved);
  EXPECT_EQ(r[3].email, "");
  EXPECT_EQ(r[3].exposures.size(), 1u);
  std::size_t total = 0;
  for (const auto& x : r) total += x.exposures.size();
  EXPECT_EQ(total, 5u);  // nothing dropped
}

TEST(CampaignPlanner, GroupsByOrganisationWritingToItsMostCommonContact) {
  auto in = lab_like(db::CampaignGrouping::org);
  in.contacts["198.19.0.21"] = "noc@sakura.example";
  in.exposures.push_back(exposure("198.19.0.22", "ORG-SAKURA", "Sakura Hikari", "JP"));
  in.contacts["198.19.0.22"] = "noc@sakura.example";
  const auto r = plan_recipients(in, certs());
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[2].key, "ORG-SAKURA");
  EXPECT_EQ(r[2].email, "noc@sakura.example");
  EXPECT_EQ(r[3].arm, db::CampaignArm::unresolved);
}

TEST(CampaignPlanner, GroupsByNationalCertAndLeavesCountriesWithoutOne) {
  const auto r = plan_recipients(lab_like(db::CampaignGrouping::national_cert), certs());
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].key, "jpcert-cc");
  EXPECT_EQ(r[0].email, "info@jpcert.example");
  EXPECT_EQ(r[0].exposures.size(), 3u);
  EXPECT_EQ(r[1].arm, db::CampaignArm::unresolved);
  EXPECT_EQ(r[1].key, "");  // no country at all
  EXPECT_EQ(r[2].arm, db::CampaignArm::unresolved);  // DE: no CERT in this directory
  EXPECT_EQ(r[2].key, "country:DE");
}

TEST(CampaignPlanner, ArmsFollowTheSeedAndTheKeyAlone) {
  EXPECT_EQ(arm_draw(1, "abuse@a.example"), arm_draw(1, "abuse@a.example"));
  EXPECT_NE(arm_draw(1, "abuse@a.example"), arm_draw(2, "abuse@a.example"));
  // A recipient's arm does not move when others join.
  auto in = lab_like(db::CampaignGrouping::abuse_contact);
  in.control_fraction = 0.5;
  const auto before = plan_recipients(in, certs());
  in.exposures.push_back(exposure("198.19.0.40", "ORG-MINATO", "Minato", "JP"));
  in.contacts["198.19.0.40"] = "security@minato.example";
  const auto after = plan_recipients(in, certs());
  for (const auto& b : before) {
    for (const auto& a : after) {
      if (a.key == b.key) {
        EXPECT_EQ(a.arm, b.arm) << a.key;
        EXPECT_EQ(a.draw, b.draw);
      }
    }
  }
}

TEST(CampaignPlanner, ControlShareApproachesTheFraction) {
  int control = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) control += arm_draw(7, "abuse@isp" + std::to_string(i) + ".example") < 0.3 ? 1 : 0;
  EXPECT_NEAR(static_cast<double>(control) / n, 0.3, 0.015);
  for (int i = 0; i < 1000; ++i) {
    const double d = arm_draw(static_cast<std::uint64_t>(i), "k");
    EXPECT_GE(d, 0.0);
    EXPECT_LT(d, 1.0);
  }
}

TEST(NationalCertDirectory, ShippedFileLoads) {
  auto d = NationalCertDirectory::load_embedded();
  ASSERT_TRUE(d) << d.error().message;
  ASSERT_NE(d->find("JP"), nullptr);
  EXPECT_EQ(d->find("JP")->name, "JPCERT/CC");
  EXPECT_EQ(d->find("ZZ"), nullptr);
}

TEST(NationalCertDirectory, ErrorsNameFileAndLine) {
  const std::pair<std::string, std::string> cases[] = {
      {"", "f.csv: no header line"},
      {"country,name\n", "f.csv:1: the header must be"},
      {"country,id,name,email\njp,x,X,a@b.example\n", "f.csv:2: bad country \"jp\""},
      {"country,id,name,email\nJP,X!,X,a@b.example\n", "f.csv:2: bad id"},
      {"country,id,name,email\n# c\nJP,x,X,not an address\n", "f.csv:3: bad address"},
      {"country,id,name,email\nJP,x,X,a@b.example\nJP,y,Y,a@b.example\n", "f.csv:3: JP is listed twice"},
      {"country,id,name,email\nJP,x,X\n", "f.csv:2: 3 fields; want 4"},
  };
  for (const auto& [text, expected] : cases) {
    auto d = NationalCertDirectory::parse(text, "f.csv");
    ASSERT_FALSE(d) << text;
    EXPECT_NE(d.error().message.find(expected), std::string::npos) << d.error().message;
  }
}

}  // namespace
}  // namespace fumidai::campaigns
