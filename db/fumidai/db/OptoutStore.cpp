#include "fumidai/db/OptoutStore.h"

#include <fmt/format.h>

#include <pqxx/pqxx>

#include "fumidai/db/IpPrefix.h"
#include "fumidai/db/PreparedCall.h"
#include "fumidai/db/TokenHash.h"
#include "fumidai/db/UtcTime.h"

namespace fumidai::db {
namespace {

constexpr std::size_t kMaxFieldLength = 1024;

// "expired" is not stored: a pending request past its expiry reads so.
constexpr const char* kColumns =
    "SELECT id, prefix::text, contact, reason, verify_to, "
    "       CASE WHEN state = 'pending' AND expires < now() THEN 'expired' ELSE state END, "
    "       epoch_us(requested), epoch_us(verified), epoch_us(expires) "
    "FROM optouts ";

Optout optout_from_row(const pqxx::row& r) {
  Optout o;
  o.id = r[0].as<std::int64_t>();
  o.prefix = r[1].as<std::string>();
  o.contact = r[2].as<std::string>();
  o.reason = r[3].as<std::string>();
  o.verify_to = r[4].as<std::string>();
  const auto state = r[5].as<std::string>();
  o.state = state == "verified"  ? OptoutState::verified
            : state == "expired" ? OptoutState::expired
                                 : OptoutState::pending;
  o.requested = detail::from_micros(r[6].as<long long>());
  if (!r[7].is_null()) o.verified = detail::from_micros(r[7].as<long long>());
  o.expires = detail::from_micros(r[8].as<long long>());
  return o;
}

}  // namespace

std::string_view to_string(OptoutState state) {
  switch (state) {
    case OptoutState::pending:
      return "pending";
    case OptoutState::verified:
      return "verified";
    case OptoutState::expired:
      return "expired";
  }
  return "pending";
}

OptoutStore::OptoutStore(Session& session) : session_(session) {}

Result<std::optional<std::string>> OptoutStore::abuse_contact(const std::string& prefix) {
  auto parsed = parse_prefix(prefix);
  if (!parsed) return parsed.error();
  return guarded("looking up an abuse contact", [&]() -> Result<std::optional<std::string>> {
    pqxx::read_transaction tx(session_.connection());
    // As abuse_contacts_for() (0003) has it, for a whole prefix: the most
    // specific abuse prefix holding all of it, else the contact of the AS
    // originating it (the most specific routed prefix holding it, from
    // pfx2as, else GeoLite2-ASN). Several contacts: the alphabetically first.
    const auto row = tx.exec_params1(
        "WITH current AS (SELECT import_as_of('abuse', now()) AS id), "
        "by_prefix AS ("
        "  SELECT c.email, masklen(c.prefix) AS length FROM abuse_contacts c, current "
        "   WHERE c.import_id = current.id AND c.prefix IS NOT NULL AND c.prefix >>= $1::cidr), "
        "origin AS ("
        "  SELECT asn FROM ("
        "    (SELECT p.asn, 0 AS rank FROM prefix_origins p "
        "      WHERE p.import_id = import_as_of('pfx2as', now()) AND p.prefix >>= $1::cidr "
        "      ORDER BY masklen(p.prefix) DESC LIMIT 1) "
        "    UNION ALL "
        "    (SELECT p.asn, 1 FROM prefix_origins p "
        "      WHERE p.import_id = import_as_of('geolite2-asn', now()) AND p.prefix >>= $1::cidr "
        "      ORDER BY masklen(p.prefix) DESC LIMIT 1)) o ORDER BY rank LIMIT 1) "
        "SELECT coalesce((SELECT min(email) FROM by_prefix WHERE length = (SELECT max(length) FROM by_prefix)), "
        "                (SELECT min(c.email) FROM abuse_contacts c, current, origin "
        "                  WHERE c.import_id = current.id AND c.asn = origin.asn))",
        format_prefix(*parsed));
    if (row[0].is_null()) return std::optional<std::string>();
    return std::optional<std::string>(row[0].as<std::string>());
  });
}

Result<Optout> OptoutStore::request(const NewOptout& optout) {
  auto prefix = parse_prefix(optout.prefix);
  if (!prefix) return prefix.error();
  if (optout.contact.empty() || optout.verify_to.empty() || optout.contact.size() > kMaxFieldLength ||
      optout.verify_to.size() > kMaxFieldLength || optout.reason.size() > kMaxFieldLength) {
    return make_input_error(
        fmt::format("an opt-out needs a contact and an address to verify through, each up to {} bytes, and a "
                    "reason of up to {} bytes",
                    kMaxFieldLength, kMaxFieldLength));
  }
  return guarded("storing an opt-out request", [&]() -> Result<Optout> {
    pqxx::work tx(session_.connection());
    const auto id = tx.exec_params1(
                          "INSERT INTO optouts (prefix, contact, reason, verify_to, token_hash, expires) "
                          "VALUES ($1::cidr, $2, $3, $4, $5, $6::timestamptz) RETURNING id",
                          format_prefix(*prefix), optout.contact, optout.reason, optout.verify_to, optout.token_hash,
                          format_utc_time(optout.expires))[0]
                        .as<std::int64_t>();
    const auto& m = optout.verification;
    tx.exec_params(
        "INSERT INTO mail_outbox (kind, optout_id, message_id, envelope_from, envelope_to, eml) "
        "VALUES ('optout-verification', $1, $2, $3, $4, $5)",
        id, m.message_id, m.envelope_from, m.envelope_to, m.eml);
    auto stored = optout_from_row(tx.exec_params1(std::string(kColumns) + "WHERE id = $1", id));
    tx.commit();
    return stored;
  });
}

Result<std::optional<Optout>> OptoutStore::verify(std::string_view token, TimePoint now) {
  if (token.empty() || token.size() > kMaxLinkTokenLength) return std::optional<Optout>();
  return guarded("verifying an opt-out", [&]() -> Result<std::optional<Optout>> {
    pqxx::work tx(session_.connection());
    // Verifying again (the link followed twice) finds it verified and keeps
    // the first time; a lapsed request stays unverified.
    tx.exec_params(
        "UPDATE optouts SET state = 'verified', verified = $2::timestamptz "
        "WHERE token_hash = $1 AND state = 'pending' AND expires > $2::timestamptz",
        token_hash(token), format_utc_time(now));
    const auto found =
        tx.exec_params(std::string(kColumns) + "WHERE token_hash = $1 AND state = 'verified'", token_hash(token));
    tx.commit();
    if (found.empty()) return std::optional<Optout>();
    return std::optional<Optout>(optout_from_row(found[0]));
  });
}

Result<std::vector<Optout>> OptoutStore::list() {
  return guarded("listing opt-outs", [&]() -> Result<std::vector<Optout>> {
    pqxx::read_transaction tx(session_.connection());
    std::vector<Optout> out;
    for (const auto& row : tx.exec(std::string(kColumns) + "ORDER BY id")) out.push_back(optout_from_row(row));
    return out;
  });
}

Result<std::vector<std::string>> OptoutStore::verified_prefixes() {
  return guarded("reading verified opt-outs", [&]() -> Result<std::vector<std::string>> {
    pqxx::read_transaction tx(session_.connection());
    std::vector<std::string> out;
    for (const auto& row : tx.exec("SELECT DISTINCT prefix FROM optouts WHERE state = 'verified' ORDER BY prefix")) {
      out.push_back(row[0].as<std::string>());
    }
    return out;
  });
}

}  // namespace fumidai::db
