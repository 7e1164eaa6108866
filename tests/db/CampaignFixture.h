#pragma once
// Campaigns and lab attribution for the campaign and opt-out stores' tests:
// the lab's attribution files imported as `fumidai import` would, and
// NewCampaign values built from a few exposures.
// Contract: plain helpers; each test owns what they return.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "TestDatabase.h"
#include "fumidai/db/AttributionImport.h"
#include "fumidai/db/Campaign.h"
#include "fumidai/db/TokenHash.h"

namespace fumidai::test {

// The lab's five attribution sets, dated 2025-01-01 (lab/attribution/README.md).
inline void import_lab_attribution(const TestDatabase& database) {
  const std::string lab = std::string(FUMIDAI_LAB_DIR) + "/attribution/";
  const std::chrono::year_month_day date{std::chrono::year(2025), std::chrono::month(1), std::chrono::day(1)};
  const std::pair<db::AttributionKind, std::vector<std::string>> sets[] = {
      {db::AttributionKind::pfx2as, {lab + "routeviews-rv2-20250101-1200.pfx2as"}},
      {db::AttributionKind::as2org, {lab + "20250101.as-org2info.txt"}},
      {db::AttributionKind::delegated,
       {lab + "delegated-apnic-extended-20250101", lab + "delegated-ripencc-extended-20250101"}},
      {db::AttributionKind::geolite2_asn,
       {lab + "GeoLite2-ASN-CSV_20250101/GeoLite2-ASN-Blocks-IPv4.csv",
        lab + "GeoLite2-ASN-CSV_20250101/GeoLite2-ASN-Blocks-IPv6.csv"}},
      {db::AttributionKind::abuse, {lab + "abuse-contacts.csv"}},
  };
  auto session = database.session();
  for (const auto& [kind, files] : sets) {
    auto report = db::import_attribution(session, {kind, files, date, false});
    ASSERT_TRUE(report) << report.error().message;
  }
}

inline db::TimePoint utc(int y, unsigned m, unsigned d, int hour = 0) {
  return std::chrono::sys_days(
             std::chrono::year_month_day{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)}) +
         std::chrono::hours(hour);
}

inline db::ExposureItem exposure(std::string ip, int port, std::vector<std::string> labels = {}) {
  db::ExposureItem e;
  e.ip = std::move(ip);
  e.port = port;
  e.transport = "tcp";
  e.protocol = port == 1723 ? "pptp" : "http";
  e.status = "success";
  e.asn = 64496;
  e.org_id = "ORG-SAKURA-JPNIC";
  e.org_name = "Sakura Hikari Net K.K.";
  e.country = "JP";
  e.fingerprints = R"([{"id":"mikrotik-pptp-server","category":"vpn","vendor":"MikroTik"}])";
  e.categories = {"vpn"};
  e.labels = std::move(labels);
  e.severity = e.labels.empty() ? "" : "high";
  e.router_vendor = "MikroTik";
  e.router_product = "RouterOS";
  e.first_seen = utc(2026, 1, 1, 1);
  e.last_seen = utc(2026, 1, 2, 3);
  e.last_scan_id = 1;
  return e;
}

// The letter of recipient `name`, with the link token "ack-" + message id.
inline db::NewMail letter(const std::string& message_id, const std::string& to) {
  return db::NewMail{message_id, "cert@fumidai.localhost", to,
                     "Message-ID: <" + message_id + ">\r\nSubject: exposed routers\r\n\r\nDear " + to + "\r\n",
                     db::token_hash("ack-" + message_id)};
}

inline db::NewRecipient recipient(std::string email, db::CampaignArm arm, double draw,
                                  std::vector<db::ExposureItem> exposures, std::string message_id = {}) {
  db::NewRecipient r;
  r.key = email;
  r.name = email.empty() ? "" : "Org of " + email;
  r.email = std::move(email);
  r.arm = arm;
  r.draw = draw;
  r.exposures = std::move(exposures);
  if (!message_id.empty()) r.letter = letter(message_id, r.email);
  return r;
}

inline db::NewCampaign campaign(std::string name, std::vector<db::NewRecipient> recipients,
                                std::string selection = R"({"label":["vpn-on-consumer-router"],"country":["JP"]})") {
  db::NewCampaign c;
  c.name = std::move(name);
  c.selection_json = std::move(selection);
  c.grouping = db::CampaignGrouping::abuse_contact;
  c.language = "ja";
  c.control_fraction = 0.25;
  c.seed = 18446744073709551557ULL;  // needs all 64 bits
  c.created_by = "cli";
  c.recipients = std::move(recipients);
  return c;
}

}  // namespace fumidai::test
