#pragma once
// Remediation against a control group: for each finalized scan after a
// campaign, the share of treated and of control exposures still present
// (among those the scan covered), and their difference with a 95% confidence
// interval. Treatment was assigned per recipient, so exposures within a
// recipient are not independent: the interval uses the cluster-robust
// variance of a ratio estimator with recipients as clusters,
//   var(p) = k/(k-1) * sum_i (x_i - p n_i)^2 / (sum_i n_i)^2,
// and is absent when an arm has fewer than two covered recipients.
// Contract: plain values and a pure function.
#include <cstdint>
#include <optional>
#include <vector>

#include "fumidai/db/CampaignStore.h"

namespace fumidai::campaigns {

struct ArmShare {
  std::int64_t recipients = 0;  // with at least one covered exposure
  std::int64_t covered = 0;
  std::int64_t present = 0;
  std::optional<double> share;  // present / covered; nullopt when nothing was covered
};

struct RemediationPoint {
  std::int64_t scan_id = 0;
  db::TimePoint scan_started;
  ArmShare treatment, control;
  std::optional<double> difference;  // treatment share - control share (negative: letters helped)
  std::optional<double> ci_low, ci_high;
};

struct RecipientPoint {
  std::int64_t scan_id = 0;
  std::int64_t recipient_id = 0;
  db::CampaignArm arm = db::CampaignArm::treatment;
  std::int64_t covered = 0, present = 0;
  std::optional<double> share;
};

struct Remediation {
  std::int64_t campaign_id = 0;
  std::vector<RemediationPoint> curve;        // by scan start
  std::vector<RecipientPoint> per_recipient;  // by scan, then recipient
};

Remediation compute_remediation(std::int64_t campaign_id, const std::vector<db::RemediationCell>& cells);

}  // namespace fumidai::campaigns
