#include "fumidai/campaigns/MailSender.h"

#include <fmt/format.h>

#include <algorithm>

#include "fumidai/core/TokenBucket.h"

namespace fumidai::campaigns {
namespace {

constexpr int kClaimBatch = 20;  // claimed at a time: what a crash can leave in doubt
constexpr auto kIdlePoll = std::chrono::seconds(5);

}  // namespace

std::string SendReport::line() const {
  std::string states;
  for (const auto& [state, count] : states_after)
    states += fmt::format("{}{} {}", states.empty() ? "" : ", ", count, state);
  return fmt::format("sent {}, to retry {}, failed {}; now {}", sent, retrying, failed,
                     states.empty() ? std::string("nothing queued") : states);
}

MailSender::MailSender(mail::SmtpSettings relay, SendPolicy policy, Clock& clock)
    : relay_(std::move(relay)), policy_(policy), clock_(clock) {}

Result<SendReport> MailSender::run(db::Session& session, const db::OutboxSelection& selection) {
  SendReport report;
  db::MailOutbox outbox(session);
  mail::SmtpClient client(relay_);
  TokenBucket pace(policy_.rate_per_minute / 60.0, 1);
  auto outcome_of = [&](const mail::SmtpResult& result, int attempt, db::TimePoint now) {
    db::DeliveryOutcome outcome;
    outcome.reply = result.reply;
    switch (result.kind) {
      case mail::SmtpResult::Kind::sent:
        outcome.kind = db::DeliveryOutcome::Kind::sent;
        ++report.sent;
        break;
      case mail::SmtpResult::Kind::permanent:
        outcome.kind = db::DeliveryOutcome::Kind::permanent;
        ++report.failed;
        break;
      case mail::SmtpResult::Kind::transient:
        outcome.kind = db::DeliveryOutcome::Kind::transient;
        if (attempt < policy_.max_attempts) {
          outcome.retry_at = now + policy_.backoff * (1LL << std::min(attempt - 1, 20));
          ++report.retrying;
        } else {
          outcome.reply = fmt::format("{} (gave up after {} attempts)", result.reply, attempt);
          ++report.failed;
        }
        break;
    }
    return outcome;
  };

  bool stop = false;
  while (!stop) {
    auto claimed = outbox.claim(selection, clock_.wall_time(), kClaimBatch);
    if (!claimed) return claimed.error();
    if (claimed->empty()) {
      if (!policy_.until_done) break;
      auto counts = outbox.counts(selection);
      if (!counts) return counts.error();
      const auto queued = counts->count("queued") != 0 ? counts->at("queued") : 0;
      const auto in_doubt = counts->count("in-doubt") != 0 ? counts->at("in-doubt") : 0;
      if (queued - (selection.retry_in_doubt ? 0 : in_doubt) <= 0) break;
      clock_.sleep_until(clock_.now() + std::chrono::duration_cast<Nanos>(kIdlePoll));
      continue;
    }
    for (std::size_t i = 0; i < claimed->size(); ++i) {
      const auto& message = (*claimed)[i];
      clock_.sleep_until(pace.next_token(clock_.now()));
      (void)pace.try_take(clock_.now());
      const auto result = client.send(message.envelope_from, message.envelope_to, message.eml);
      const int attempt = message.attempts + 1;
      const auto now = clock_.wall_time();
      auto recorded = outbox.record(message.id, outcome_of(result, attempt, now), now);
      if (!recorded) return recorded.error();
      // No reply at all (code 0): the relay is down or unreachable. The rest
      // of the batch would only wait out the same failure, so each gets this
      // attempt's outcome and the pass ends.
      if (result.kind == mail::SmtpResult::Kind::transient && result.code == 0) {
        for (std::size_t j = i + 1; j < claimed->size(); ++j) {
          const auto& rest = (*claimed)[j];
          auto r = outbox.record(rest.id, outcome_of(result, rest.attempts + 1, now), now);
          if (!r) return r.error();
        }
        stop = !policy_.until_done;
        break;
      }
    }
  }
  client.close();
  auto counts = outbox.counts(selection);
  if (!counts) return counts.error();
  report.states_after = std::move(*counts);
  return report;
}

}  // namespace fumidai::campaigns
