#include "fumidai/db/MailOutbox.h"

#include <fmt/format.h>

#include <algorithm>
#include <pqxx/pqxx>

#include "fumidai/core/Utf8.h"
#include "fumidai/db/UtcTime.h"

namespace fumidai::db {
namespace {

// At most this many messages per claim: a sender holds them all at once.
constexpr int kMaxClaim = 1000;
// A relay's reply (or a bounce report) is kept to this many bytes.
constexpr std::size_t kMaxReply = 2048;

std::optional<std::string> kind_name(const std::optional<MailKind>& kind) {
  if (!kind) return std::nullopt;
  return std::string(*kind == MailKind::letter ? "letter" : "optout-verification");
}

// What came from the network, made storable: a relay may answer with bytes
// that are not UTF-8, or with NUL, which PostgreSQL's text refuses, and a
// record that fails would leave the message in doubt. Invalid bytes become
// '?', control characters a space, and the text is cut at kMaxReply bytes
// (on a character boundary).
std::string storable_text(std::string_view text) {
  std::string out;
  out.reserve(std::min(text.size(), kMaxReply));
  while (!text.empty()) {
    std::size_t length = utf8_sequence_length(text);
    std::string_view piece = length ? text.substr(0, length) : std::string_view("?");
    if (length == 1 && (static_cast<unsigned char>(text[0]) < 0x20 || text[0] == 0x7f)) piece = " ";
    if (out.size() + piece.size() > kMaxReply) break;
    out.append(piece);
    text.remove_prefix(length ? length : 1);
  }
  return out;
}

}  // namespace

MailOutbox::MailOutbox(Session& session) : session_(session) {}

Result<std::vector<OutboxMessage>> MailOutbox::claim(const OutboxSelection& selection, TimePoint now, int limit) {
  if (limit < 1 || limit > kMaxClaim) {
    return make_input_error(fmt::format("claim {} messages: 1 to {} at a time", limit, kMaxClaim));
  }
  return guarded("claiming queued mail", [&]() -> Result<std::vector<OutboxMessage>> {
    pqxx::work tx(session_.connection());
    // SKIP LOCKED: a concurrent claimer passes over what this one holds, and
    // once this commits attempt_started keeps it away (unless it retries in
    // doubt).
    const auto rows = tx.exec_params(
        "WITH due AS ("
        "  SELECT id FROM mail_outbox "
        "   WHERE state = 'queued' AND next_attempt <= $1::timestamptz AND (attempt_started IS NULL OR $2) "
        "     AND ($3::bigint IS NULL OR campaign_id = $3) AND ($4::text IS NULL OR kind = $4) "
        "   ORDER BY id LIMIT $5 FOR UPDATE SKIP LOCKED) "
        "UPDATE mail_outbox m SET attempt_started = $1::timestamptz, attempts = m.attempts + 1 FROM due "
        "WHERE m.id = due.id "
        "RETURNING m.id, m.kind, m.message_id, m.envelope_from, m.envelope_to, m.eml, m.attempts - 1",
        format_utc_time(now), selection.retry_in_doubt, selection.campaign_id, kind_name(selection.kind), limit);
    tx.commit();
    std::vector<OutboxMessage> out;
    out.reserve(rows.size());
    for (const auto& r : rows) {
      OutboxMessage m;
      m.id = r[0].as<std::int64_t>();
      m.kind = r[1].as<std::string>() == "letter" ? MailKind::letter : MailKind::optout_verification;
      m.message_id = r[2].as<std::string>();
      m.envelope_from = r[3].as<std::string>();
      m.envelope_to = r[4].as<std::string>();
      m.eml = r[5].as<std::string>();
      m.attempts = r[6].as<int>();
      out.push_back(std::move(m));
    }
    // RETURNING keeps no order; senders go oldest first.
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return out;
  });
}

Result<> MailOutbox::record(std::int64_t outbox_id, const DeliveryOutcome& outcome, TimePoint now) {
  std::string state = "failed";
  std::optional<std::string> next_attempt;
  if (outcome.kind == DeliveryOutcome::Kind::sent) {
    state = "sent";
  } else if (outcome.kind == DeliveryOutcome::Kind::transient && outcome.retry_at) {
    state = "queued";
    next_attempt = format_utc_time(*outcome.retry_at);
  }
  return guarded("recording a delivery", [&]() -> Result<> {
    pqxx::work tx(session_.connection());
    const auto rows = tx.exec_params(
        "UPDATE mail_outbox SET state = $2, last_reply = $3, attempt_started = NULL, "
        "       sent_at = CASE WHEN $2 = 'sent' THEN $4::timestamptz ELSE sent_at END, "
        "       next_attempt = coalesce($5::timestamptz, next_attempt) "
        "WHERE id = $1 AND state = 'queued' RETURNING id",
        outbox_id, state, storable_text(outcome.reply), format_utc_time(now), next_attempt);
    if (rows.empty()) {
      const auto found = tx.exec_params("SELECT state FROM mail_outbox WHERE id = $1", outbox_id);
      if (found.empty()) return make_input_error(fmt::format("no outbox message {}", outbox_id));
      return make_input_error(fmt::format("outbox message {} is {}: only a queued message takes a delivery outcome",
                                          outbox_id, found[0][0].as<std::string>()));
    }
    tx.commit();
    return {};
  });
}

Result<std::map<std::string, std::int64_t>> MailOutbox::counts(const OutboxSelection& selection) {
  return guarded("counting mail", [&]() -> Result<std::map<std::string, std::int64_t>> {
    pqxx::read_transaction tx(session_.connection());
    std::map<std::string, std::int64_t> out;
    for (const char* state : {"queued", "sent", "failed", "bounced", "acknowledged", "in-doubt"}) out[state] = 0;
    // "in-doubt" is a part of "queued".
    for (const auto& r : tx.exec_params(
             "SELECT state, count(*) FROM mail_outbox "
             " WHERE ($1::bigint IS NULL OR campaign_id = $1) AND ($2::text IS NULL OR kind = $2) GROUP BY state "
             "UNION ALL "
             "SELECT 'in-doubt', count(*) FROM mail_outbox "
             " WHERE ($1::bigint IS NULL OR campaign_id = $1) AND ($2::text IS NULL OR kind = $2) "
             "   AND state = 'queued' AND attempt_started IS NOT NULL",
             selection.campaign_id, kind_name(selection.kind))) {
      out[r[0].as<std::string>()] = r[1].as<std::int64_t>();
    }
    return out;
  });
}

Result<bool> MailOutbox::record_bounce(std::string_view message_id, std::string_view reason, TimePoint now) {
  return guarded("recording a bounce", [&]() -> Result<bool> {
    pqxx::work tx(session_.connection());
    // A bounce for a message in doubt proves the relay took it: it is
    // bounced too, and so never sent again.
    const auto found = tx.exec_params(
        "SELECT id, state = 'sent' OR (state = 'queued' AND attempt_started IS NOT NULL) FROM mail_outbox "
        "WHERE message_id = $1 FOR UPDATE",
        storable_text(message_id));
    if (found.empty()) return false;
    if (found[0][1].as<bool>()) {
      tx.exec_params(
          "UPDATE mail_outbox SET state = 'bounced', bounced_at = $2::timestamptz, last_reply = $3, "
          "       attempt_started = NULL WHERE id = $1",
          found[0][0].as<std::int64_t>(), format_utc_time(now), storable_text(reason));
    }
    tx.commit();
    return true;
  });
}

}  // namespace fumidai::db
