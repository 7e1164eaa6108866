#include "fumidai/campaigns/Remediation.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace fumidai::campaigns {
namespace {

constexpr double kZ95 = 1.959963984540054;

struct ArmCells {
  std::vector<const db::RemediationCell*> cells;
};

// The arm's share and the cluster-robust variance of it (nullopt with fewer
// than two clusters).
std::optional<double> summarize(const ArmCells& arm, ArmShare& out) {
  for (const auto* cell : arm.cells) {
    if (cell->covered == 0) continue;
    ++out.recipients;
    out.covered += cell->covered;
    out.present += cell->present;
  }
  if (out.covered == 0) return std::nullopt;
  const double p = static_cast<double>(out.present) / static_cast<double>(out.covered);
  out.share = p;
  if (out.recipients < 2) return std::nullopt;
  double sum = 0;
  for (const auto* cell : arm.cells) {
    if (cell->covered == 0) continue;
    const double residual = static_cast<double>(cell->present) - p * static_cast<double>(cell->covered);
    sum += residual * residual;
  }
  const double k = static_cast<double>(out.recipients);
  const double n = static_cast<double>(out.covered);
  return k / (k - 1) * sum / (n * n);
}

}  // namespace

Remediation compute_remediation(std::int64_t campaign_id, const std::vector<db::RemediationCell>& cells) {
  Remediation out;
  out.campaign_id = campaign_id;
  // scan (by start, then id) -> arm -> cells
  std::map<std::pair<db::TimePoint, std::int64_t>, std::map<db::CampaignArm, ArmCells>> scans;
  for (const auto& cell : cells) {
    if (cell.arm == db::CampaignArm::unresolved) continue;
    scans[{cell.scan_started, cell.scan_id}][cell.arm].cells.push_back(&cell);
    RecipientPoint point{cell.scan_id, cell.recipient_id, cell.arm, cell.covered, cell.present, std::nullopt};
    if (cell.covered > 0) point.share = static_cast<double>(cell.present) / static_cast<double>(cell.covered);
    out.per_recipient.push_back(point);
  }
  for (auto& [key, arms] : scans) {
    RemediationPoint point;
    point.scan_started = key.first;
    point.scan_id = key.second;
    const auto treated_variance = summarize(arms[db::CampaignArm::treatment], point.treatment);
    const auto control_variance = summarize(arms[db::CampaignArm::control], point.control);
    if (point.treatment.share && point.control.share) {
      point.difference = *point.treatment.share - *point.control.share;
      if (treated_variance && control_variance) {
        const double half = kZ95 * std::sqrt(*treated_variance + *control_variance);
        point.ci_low = *point.difference - half;
        point.ci_high = *point.difference + half;
      }
    }
    out.curve.push_back(point);
  }
  std::stable_sort(out.per_recipient.begin(), out.per_recipient.end(), [&](const auto& a, const auto& b) {
    return std::pair(a.scan_id, a.recipient_id) < std::pair(b.scan_id, b.recipient_id);
  });
  return out;
}

}  // namespace fumidai::campaigns
