#include "fumidai/campaigns/Remediation.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace fumidai::campaigns {
namespace {

db::RemediationCell cell(std::int64_t scan, std::int64_t rid, db::CampaignArm arm, std::int64_t covered,
                         std::int64_t present) {
  db::RemediationCell c;
  c.scan_id = scan;
  c.scan_started = db::TimePoint(std::chrono::seconds(1000 + scan));
  c.recipient_id = rid;
  c.arm = arm;
  c.covered = covered;
  c.present = present;
  return c;
}

constexpr auto T = db::CampaignArm::treatment;
constexpr auto C = db::CampaignArm::control;

// Worked by hand:
//   treatment: A 1 of 4 still present, B 2 of 2 -> p = 3/6 = 0.5
//     residuals x - p n: A 1 - 2 = -1, B 2 - 1 = 1; var = 2/1 * (1 + 1) / 6^2 = 4/36
//   control:   C 3 of 3, D 0 of 1 -> p = 3/4 = 0.75
//     residuals: C 3 - 2.25 = 0.75, D 0 - 0.75 = -0.75; var = 2/1 * 1.125 / 4^2 = 0.140625
//   difference -0.25, half-width 1.959964 * sqrt(4/36 + 0.140625) = 1.959964 * 0.501733 = 0.983379
TEST(Remediation, SharesDifferenceAndClusterRobustIntervalByHand) {
  const auto r = compute_remediation(7, {cell(2, 1, T, 4, 1), cell(2, 2, T, 2, 2), cell(2, 3, C, 3, 3),
                                         cell(2, 4, C, 1, 0)});
  EXPECT_EQ(r.campaign_id, 7);
  ASSERT_EQ(r.curve.size(), 1u);
  const auto& p = r.curve[0];
  EXPECT_EQ(p.treatment.recipients, 2);
  EXPECT_EQ(p.treatment.covered, 6);
  EXPECT_EQ(p.treatment.present, 3);
  EXPECT_DOUBLE_EQ(*p.treatment.share, 0.5);
  EXPECT_DOUBLE_EQ(*p.control.share, 0.75);
  EXPECT_DOUBLE_EQ(*p.difference, -0.25);
  ASSERT_TRUE(p.ci_low && p.ci_high);
  EXPECT_NEAR(*p.ci_low, -0.25 - 0.983379, 2e-6);
  EXPECT_NEAR(*p.ci_high, -0.25 + 0.983379, 2e-6);
  ASSERT_EQ(r.per_recipient.size(), 4u);
  EXPECT_DOUBLE_EQ(*r.per_recipient[0].share, 0.25);
}

TEST(Remediation, CurveFollowsScansAndSkipsWhatNoScanCovered) {
  const auto r = compute_remediation(1, {
                                            cell(3, 1, T, 2, 0), cell(3, 2, C, 2, 2),  // later scan
                                            cell(2, 1, T, 2, 1), cell(2, 2, C, 2, 2),
                                            cell(2, 3, C, 0, 0),  // not covered: no cluster, no share
                                        });
  ASSERT_EQ(r.curve.size(), 2u);
  EXPECT_EQ(r.curve[0].scan_id, 2);
  EXPECT_EQ(r.curve[1].scan_id, 3);
  EXPECT_EQ(r.curve[0].control.recipients, 1);
  EXPECT_DOUBLE_EQ(*r.curve[0].difference, -0.5);
  EXPECT_DOUBLE_EQ(*r.curve[1].difference, -1.0);
  // One covered recipient per arm: no interval.
  EXPECT_FALSE(r.curve[0].ci_low.has_value());
  const auto uncovered = std::find_if(r.per_recipient.begin(), r.per_recipient.end(),
                                     [](const auto& p) { return p.scan_id == 2 && p.recipient_id == 3; });
  ASSERT_NE(uncovered, r.per_recipient.end());
  EXPECT_FALSE(uncovered->share.has_value());
}

TEST(Remediation, AnArmWithNothingCoveredHasNoShareAndNoDifference) {
  const auto r = compute_remediation(1, {cell(2, 1, T, 3, 1), cell(2, 2, C, 0, 0)});
  ASSERT_EQ(r.curve.size(), 1u);
  EXPECT_FALSE(r.curve[0].control.share.has_value());
  EXPECT_FALSE(r.curve[0].difference.has_value());
}

TEST(Remediation, UnresolvedRecipientsAreNotCompared) {
  const auto r = compute_remediation(1, {cell(2, 1, T, 3, 1), cell(2, 9, db::CampaignArm::unresolved, 5, 5)});
  EXPECT_EQ(r.per_recipient.size(), 1u);
  EXPECT_EQ(r.curve[0].treatment.covered, 3);
}

}  // namespace
}  // namespace fumidai::campaigns
