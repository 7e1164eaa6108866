#pragma once
// The outgoing mail queue (mail_outbox): campaign letters and opt-out
// verification messages, each stored whole when made. A sender claims due
// messages, delivers them, and records each outcome; a claim marks the
// attempt started first, so a crash between the relay's acceptance and the
// record leaves the message "in doubt" and it is never sent again on its own.
// Contract: borrows the Session; one thread at a time. Concurrent senders
// are kept apart by claim() (FOR UPDATE SKIP LOCKED).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/db/Campaign.h"
#include "fumidai/db/Session.h"

namespace fumidai::db {

enum class MailKind { letter, optout_verification };

struct OutboxSelection {
  std::optional<std::int64_t> campaign_id;  // letters of that campaign
  std::optional<MailKind> kind;             // nullopt: every kind
  bool retry_in_doubt = false;              // also claim messages whose last attempt never recorded an outcome
};

struct OutboxMessage {
  std::int64_t id = 0;
  MailKind kind = MailKind::letter;
  std::string message_id, envelope_from, envelope_to, eml;
  int attempts = 0;  // before this one
};

struct DeliveryOutcome {
  enum class Kind { sent, transient, permanent } kind = Kind::transient;
  std::string reply;                  // the relay's reply, or the connection error
  std::optional<TimePoint> retry_at;  // transient only: when to try again; nullopt: give up (failed)
};

class MailOutbox {
 public:
  explicit MailOutbox(Session& session);

  // Up to `limit` queued messages due at `now`, marked attempt-started (attempts
  // counted up) in the same transaction.
  Result<std::vector<OutboxMessage>> claim(const OutboxSelection& selection, TimePoint now, int limit);
  // sent -> state sent; permanent, or transient without retry_at -> failed;
  // transient with retry_at -> stays queued until then. Clears the attempt mark.
  Result<> record(std::int64_t outbox_id, const DeliveryOutcome& outcome, TimePoint now);
  // Counts of the selection's messages by state, plus "in-doubt".
  Result<std::map<std::string, std::int64_t>> counts(const OutboxSelection& selection);
  // A bounce report for `message_id`: a sent message becomes bounced, with the
  // report's text as its last reply. false: no such message.
  Result<bool> record_bounce(std::string_view message_id, std::string_view reason, TimePoint now);

 private:
  Session& session_;
};

}  // namespace fumidai::db
