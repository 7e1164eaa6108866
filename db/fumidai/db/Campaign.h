#pragma once
// Notification campaigns as stored (db/migrations/0006_campaigns.sql): a
// campaign selects exposures, groups them by recipient, splits recipients
// into treatment and control, and holds one letter per treated recipient in
// the mail outbox. Plain values shared by the stores, campaigns/ and the API.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/db/ExposureItem.h"

namespace fumidai::db {

using TimePoint = std::chrono::system_clock::time_point;

enum class CampaignGrouping { abuse_contact, org, national_cert };
// unresolved: no contact was found; listed, never silently dropped.
enum class CampaignArm { treatment, control, unresolved };
enum class MailState { queued, sent, failed, bounced, acknowledged };

std::string_view to_string(CampaignGrouping grouping);  // "abuse-contact", "org", "national-cert"
std::string_view to_string(CampaignArm arm);            // "treatment", "control", "unresolved"
std::string_view to_string(MailState state);            // "queued", ...
std::optional<CampaignGrouping> parse_grouping(std::string_view text);
std::optional<CampaignArm> parse_arm(std::string_view text);
std::optional<MailState> parse_mail_state(std::string_view text);

// One message as it will go out, made when the campaign (or opt-out) is
// created so a re-run sends the very same bytes under the same Message-ID.
struct NewMail {
  std::string message_id;      // without <>; unique
  std::string envelope_from;   // MAIL FROM (addr-spec)
  std::string envelope_to;     // RCPT TO (addr-spec)
  std::string eml;             // the whole RFC 5322 message, CRLF line ends
  std::string ack_token_hash;  // hex SHA-256 of the letter's link token; empty: none
};

struct NewRecipient {
  std::string key;    // what grouped it: an e-mail address, an org id or a CERT's id; "" for unresolved
  std::string name;   // for people: the org name, the CERT's name, or the address
  std::string email;  // "" when unresolved
  CampaignArm arm = CampaignArm::unresolved;
  double draw = 0;  // the seeded uniform draw in [0, 1) that decided the arm (control when < fraction)
  std::vector<ExposureItem> exposures;
  std::optional<NewMail> letter;  // treatment only
};

struct NewCampaign {
  std::string name;
  std::string selection_json;  // the request's selection, as given (for the record)
  CampaignGrouping grouping = CampaignGrouping::abuse_contact;
  std::string language;
  double control_fraction = 0;
  std::uint64_t seed = 0;
  std::optional<std::int64_t> created_by_key_id;  // null: the CLI
  std::string created_by;                         // key name or "cli"
  std::optional<std::int64_t> baseline_scan_id;   // the latest finalized scan at creation
  std::int64_t excluded_optout = 0;               // exposures left out because their prefix opted out
  std::vector<NewRecipient> recipients;
};

struct CampaignSummary {
  std::int64_t id = 0;
  std::string name;
  TimePoint created;
  std::string created_by;
  std::optional<std::int64_t> created_by_key_id;
  std::string selection_json;
  CampaignGrouping grouping = CampaignGrouping::abuse_contact;
  std::string language;
  double control_fraction = 0;
  std::uint64_t seed = 0;
  std::optional<std::int64_t> baseline_scan_id;
  std::int64_t excluded_optout = 0;
  std::map<std::string, std::int64_t> recipients_by_arm;  // "treatment" -> n, ...
  std::map<std::string, std::int64_t> exposures_by_arm;
  std::map<std::string, std::int64_t> letters_by_state;  // "queued" -> n, ...
};

struct CampaignRecipient {
  std::int64_t id = 0;  // the rid: 1..n within the campaign
  std::string key, name, email;
  CampaignArm arm = CampaignArm::unresolved;
  double draw = 0;
  std::int64_t exposures = 0;
  std::int64_t hosts = 0;
};

struct MailStatus {
  std::int64_t outbox_id = 0;
  std::string message_id;
  std::string envelope_to;
  MailState state = MailState::queued;
  int attempts = 0;
  std::string last_reply;  // the SMTP reply (or connection error) of the last attempt
  std::optional<TimePoint> next_attempt, sent_at, acknowledged_at, bounced_at;
  bool in_doubt = false;  // an attempt started and never recorded its outcome (a crash mid-send)
};

struct CampaignLetter {
  std::int64_t recipient_id = 0;
  std::string recipient_name;
  MailStatus mail;
};

}  // namespace fumidai::db
