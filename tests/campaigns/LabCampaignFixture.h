#pragma once
// The campaign tests' world: a fresh database with the lab's attribution and
// abuse contacts imported, and one finalized scan of VPN-serving routers in
// four of the lab's networks (lab/attribution/README.md), plus the
// CampaignService the API and the CLI would build. Letters are read back with
// Python's email package (tests/mail/parse_message.py), not our own parser.
// Contract: one per test; not thread-safe.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "CampaignFixture.h"
#include "ScanFixture.h"
#include "TestDatabase.h"
#include "fumidai/campaigns/CampaignService.h"
#include "fumidai/core/ManualClock.h"
#include "fumidai/core/Subprocess.h"
#include "fumidai/db/AttributionImport.h"
#include "fumidai/db/CampaignStore.h"
#include "fumidai/mail/Base64.h"

namespace fumidai::campaigns::test {

using fumidai::test::Fingerprint;
using fumidai::test::kKumo;
using fumidai::test::kMinato;
using fumidai::test::kRhein;
using fumidai::test::kSakura;
using fumidai::test::Observation;
using fumidai::test::ScanFixture;
using fumidai::test::vpn_router;

// What a mail client would show of the message in `path` (parse_message.py's summary).
inline boost::json::object parse_message(const std::string& path) {
  auto run =
      run_subprocess({FUMIDAI_MAIL_PYTHON, std::string(FUMIDAI_TESTS_DIR) + "/mail/parse_message.py", path}, 64 << 20);
  EXPECT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->exit_code, 0) << run->output;
  return boost::json::parse(run->output).as_object();
}

inline std::string attachment_text(const boost::json::object& parsed, std::size_t index) {
  return mail::base64_decode_lenient(parsed.at("attachments").as_array().at(index).at("data_b64").as_string());
}

class LabCampaignFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    fumidai::test::import_lab_attribution(database);
    if (HasFatalFailure()) return;
    first = scans.scan({"2026-04-06T00:00:00Z", {"198.19.0.0/24"}, {80, 1723}, {}});
    scans.observe(first, {vpn_router(kSakura, "198.19.0.20"), vpn_router(kSakura, "198.19.0.21"),
                          vpn_router(kKumo, "198.19.0.33"), vpn_router(kKumo, "198.19.0.34"),
                          vpn_router(kMinato, "198.19.0.12"), vpn_router(kRhein, "198.19.0.70")});
    scans.finalize(first);
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

  db::TimePoint clock_time() const { return clock.wall_time(); }

  void TearDown() override { std::filesystem::remove_all(scratch); }

  fumidai::test::TestDatabase database;
  ScanFixture scans{database};
  // Wall time, as PostgreSQL's now() is (letters are dated and opt-outs
  // expire by it), a minute ahead so what the database queues during a test
  // is already due for the sender.
  ManualClock clock{
      std::chrono::duration_cast<Nanos>(std::chrono::system_clock::now().time_since_epoch() + std::chrono::minutes(1))};
  std::shared_ptr<const campaigns::CampaignService> service;
  std::int64_t first = 0;
  std::filesystem::path scratch =
      std::filesystem::temp_directory_path() / fmt::format("fumidai-campaign-test-{}", ::getpid());
  [[maybe_unused]] bool made = std::filesystem::create_directories(scratch);
};

}  // namespace fumidai::campaigns::test
