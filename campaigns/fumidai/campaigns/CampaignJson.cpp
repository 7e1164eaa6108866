// The JSON of campaigns, letters, opt-outs and remediation, shared by the API
// and the CLI (CampaignService.h declares these).
#include <fmt/format.h>

#include <boost/json.hpp>

#include "fumidai/campaigns/CampaignService.h"
#include "fumidai/campaigns/Remediation.h"
#include "fumidai/db/UtcTime.h"

namespace fumidai::campaigns {
namespace {

boost::json::value time_value(const std::optional<db::TimePoint>& at) {
  if (!at) return nullptr;
  return boost::json::value(db::format_utc_seconds(*at));
}

boost::json::value number_or_null(const std::optional<double>& value) {
  if (!value) return nullptr;
  return boost::json::value(*value);
}

boost::json::object counts(const std::map<std::string, std::int64_t>& values) {
  boost::json::object out;
  for (const auto& [name, count] : values) out[name] = count;
  return out;
}

boost::json::value arm_share(const ArmShare& share) {
  return boost::json::object{{"recipients", share.recipients},
                             {"covered", share.covered},
                             {"present", share.present},
                             {"share", number_or_null(share.share)}};
}

}  // namespace

boost::json::value to_json(const db::CampaignSummary& s) {
  boost::system::error_code error;
  auto selection = boost::json::parse(s.selection_json, error);
  if (error) selection = boost::json::object();
  return boost::json::object{
      {"id", s.id},
      {"name", s.name},
      {"created", time_value(s.created)},
      {"created_by", s.created_by},
      {"selection", std::move(selection)},
      {"grouping", db::to_string(s.grouping)},
      {"language", s.language},
      {"control_fraction", s.control_fraction},
      // A uint64 as text: JSON readers lose integers above 2^53.
      {"seed", std::to_string(s.seed)},
      {"baseline_scan_id", s.baseline_scan_id ? boost::json::value(*s.baseline_scan_id) : nullptr},
      {"excluded_optout", s.excluded_optout},
      {"recipients", counts(s.recipients_by_arm)},
      {"exposures", counts(s.exposures_by_arm)},
      {"letters", counts(s.letters_by_state)},
  };
}

boost::json::value to_json(const CreatedCampaign& created) {
  boost::json::object out = to_json(created.summary).as_object();
  boost::json::array unresolved;
  for (const auto& recipient : created.unresolved) unresolved.push_back(to_json(recipient));
  out["unresolved"] = std::move(unresolved);
  return out;
}

boost::json::value to_json(const db::CampaignRecipient& r) {
  return boost::json::object{{"id", r.id},
                             {"key", r.key},
                             {"name", r.name},
                             {"email", r.email.empty() ? boost::json::value(nullptr) : boost::json::value(r.email)},
                             {"arm", db::to_string(r.arm)},
                             {"draw", r.draw},
                             {"exposures", r.exposures},
                             {"hosts", r.hosts}};
}

boost::json::value to_json(const db::CampaignLetter& letter) {
  const auto& m = letter.mail;
  return boost::json::object{{"recipient_id", letter.recipient_id},
                             {"recipient", letter.recipient_name},
                             {"to", m.envelope_to},
                             {"message_id", m.message_id},
                             {"state", db::to_string(m.state)},
                             {"in_doubt", m.in_doubt},
                             {"attempts", m.attempts},
                             {"last_reply", m.last_reply},
                             {"next_attempt", time_value(m.next_attempt)},
                             {"sent_at", time_value(m.sent_at)},
                             {"acknowledged_at", time_value(m.acknowledged_at)},
                             {"bounced_at", time_value(m.bounced_at)}};
}

boost::json::value to_json(const db::Optout& o) {
  return boost::json::object{{"id", o.id},
                             {"prefix", o.prefix},
                             {"contact", o.contact},
                             {"reason", o.reason},
                             {"verify_to", o.verify_to},
                             {"state", db::to_string(o.state)},
                             {"requested", time_value(o.requested)},
                             {"verified", time_value(o.verified)},
                             {"expires", time_value(o.expires)}};
}

boost::json::value to_json(const Remediation& r) {
  boost::json::array curve;
  for (const auto& p : r.curve) {
    curve.push_back(
        boost::json::object{{"scan_id", p.scan_id},
                            {"scan_started", time_value(p.scan_started)},
                            {"treatment", arm_share(p.treatment)},
                            {"control", arm_share(p.control)},
                            {"difference", number_or_null(p.difference)},
                            {"ci95", p.ci_low ? boost::json::value(boost::json::array{*p.ci_low, *p.ci_high})
                                              : boost::json::value(nullptr)}});
  }
  boost::json::array recipients;
  for (const auto& p : r.per_recipient) {
    recipients.push_back(boost::json::object{{"scan_id", p.scan_id},
                                             {"recipient_id", p.recipient_id},
                                             {"arm", db::to_string(p.arm)},
                                             {"covered", p.covered},
                                             {"present", p.present},
                                             {"share", number_or_null(p.share)}});
  }
  return boost::json::object{
      {"campaign_id", r.campaign_id},
      {"method",
       "share of each arm's exposures still present among those a later scan covered; the difference is treatment "
       "minus control, with a 95% interval from the cluster-robust variance (recipients as clusters)"},
      {"curve", std::move(curve)},
      {"per_recipient", std::move(recipients)}};
}

}  // namespace fumidai::campaigns
