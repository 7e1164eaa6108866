#pragma once
// Delivers what mail_outbox holds through one SMTP relay: claims due
// messages, sends each at most `rate_per_minute`, and records every outcome.
// A 2xx is sent; a 5xx is failed with the reply; a 4xx or a connection
// failure is retried with exponential backoff (backoff, 2x, 4x, ...) until
// max_attempts, then failed. A message whose earlier attempt never recorded
// its outcome (a crash mid-send) is left alone unless retry_in_doubt, so a
// re-run never sends a letter twice.
// Contract: one thread; pacing and backoff run on the injected Clock.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "fumidai/core/Clock.h"
#include "fumidai/core/Error.h"
#include "fumidai/db/MailOutbox.h"
#include "fumidai/db/Session.h"
#include "fumidai/mail/SmtpClient.h"

namespace fumidai::campaigns {

struct SendPolicy {
  double rate_per_minute = 60;
  int max_attempts = 5;
  std::chrono::seconds backoff{60};
  // true: keep going (sleeping on the Clock) until nothing queued is left or
  // due; false: one pass over what is due now.
  bool until_done = false;
};

struct SendReport {
  std::int64_t sent = 0, retrying = 0, failed = 0;
  std::map<std::string, std::int64_t> states_after;  // the selection's messages by state
  std::string line() const;                          // one line for the CLI
};

class MailSender {
 public:
  MailSender(mail::SmtpSettings relay, SendPolicy policy, Clock& clock);
  Result<SendReport> run(db::Session& session, const db::OutboxSelection& selection);

 private:
  mail::SmtpSettings relay_;
  SendPolicy policy_;
  Clock& clock_;
};

}  // namespace fumidai::campaigns
