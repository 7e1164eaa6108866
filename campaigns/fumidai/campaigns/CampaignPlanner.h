#pragma once
// Who gets which exposures, and who is in the control group: groups a
// campaign's exposures into recipients by the chosen grouping and draws each
// recipient's arm. Pure, so the split is reproducible from the seed alone.
//   abuse-contact: one recipient per abuse address (the exposure's contact).
//   org:           one per organisation, written to its most common contact.
//   national-cert: one per country, written to its national CERT.
// Exposures with no recipient address go to "unresolved" recipients (one per
// organisation or country, or one for those with neither), which are listed
// and never written to. A recipient is in control when its draw, a uniform
// number in [0, 1) from the seed and its key alone, is below the control
// fraction: adding or removing other recipients never moves it.
// Contract: pure functions.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/campaigns/NationalCertDirectory.h"
#include "fumidai/db/Campaign.h"

namespace fumidai::campaigns {

struct PlanInput {
  std::vector<db::ExposureItem> exposures;
  std::map<std::string, std::string> contacts;  // ip -> abuse address
  db::CampaignGrouping grouping = db::CampaignGrouping::abuse_contact;
  double control_fraction = 0;
  std::uint64_t seed = 0;
};

// The recipients, resolved ones by key, then the unresolved; letters empty.
std::vector<db::NewRecipient> plan_recipients(PlanInput input, const NationalCertDirectory& certs);

// The seeded uniform draw in [0, 1) for a recipient key.
double arm_draw(std::uint64_t seed, std::string_view key);

}  // namespace fumidai::campaigns
