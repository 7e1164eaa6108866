#pragma once
// Campaigns in PostgreSQL (campaigns, campaign_recipients,
// campaign_exposures; letters live in mail_outbox). create() writes a whole
// campaign (recipients, their exposures and their letters) in one
// transaction: a failure leaves nothing behind.
// Contract: borrows the Session, which must outlive it; one thread at a time.
#include <optional>
#include <string>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/db/Campaign.h"
#include "fumidai/db/Session.h"

namespace fumidai::db {

// Exposures still present in one later scan, for one recipient.
struct RemediationCell {
  std::int64_t scan_id = 0;
  TimePoint scan_started;
  std::int64_t recipient_id = 0;
  CampaignArm arm = CampaignArm::treatment;
  std::int64_t covered = 0;  // the recipient's campaign exposures that scan covered
  std::int64_t present = 0;  // of those, still present (with a selected label, when labels were selected)
};

class CampaignStore {
 public:
  explicit CampaignStore(Session& session);

  // The new campaign's id. Fails (input error) on an empty name or no recipients.
  Result<std::int64_t> create(const NewCampaign& campaign);
  // Newest first. `created_by_key_id`: only that key's campaigns (an analyst); nullopt: all.
  Result<std::vector<CampaignSummary>> list(std::optional<std::int64_t> created_by_key_id);
  Result<std::optional<CampaignSummary>> get(std::int64_t id);
  Result<std::vector<CampaignRecipient>> recipients(std::int64_t campaign_id);
  // The exposures of one recipient, as snapshotted at creation.
  Result<std::vector<ExposureItem>> exposures(std::int64_t campaign_id, std::int64_t recipient_id);
  Result<std::vector<CampaignLetter>> letters(std::int64_t campaign_id);
  Result<std::optional<CampaignLetter>> letter(std::int64_t campaign_id, std::int64_t recipient_id);
  // The letter's stored RFC 5322 message.
  Result<std::optional<std::string>> letter_eml(std::int64_t campaign_id, std::int64_t recipient_id);
  // Marks a sent (or bounced) letter acknowledged; nullopt if there is no such letter.
  // Acknowledging twice is not an error (the first time is kept). A queued or
  // failed letter cannot be acknowledged: input error.
  Result<std::optional<CampaignLetter>> acknowledge(std::int64_t campaign_id, std::int64_t recipient_id);
  // The same through the link token in the letter (its SHA-256 is stored).
  Result<std::optional<CampaignLetter>> acknowledge_by_token(std::string_view token);
  // Per finalized scan started after the campaign was created, per recipient
  // in treatment or control (a row even when the scan covered none of its
  // exposures): covered and still-present counts, by scan start, then rid.
  Result<std::vector<RemediationCell>> remediation(std::int64_t campaign_id);

 private:
  Session& session_;
};

}  // namespace fumidai::db
