#pragma once
// Opt-outs (optouts): a network asks not to be scanned or written to. A
// request counts only once verified through a token mailed to the prefix's
// abuse contact (its verification message goes through mail_outbox).
// Verified opt-outs join the scanner's blocklist under `scan --db` and are
// left out of campaigns.
// Contract: borrows the Session; one thread at a time.
#include <optional>
#include <string>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/db/Campaign.h"
#include "fumidai/db/Session.h"

namespace fumidai::db {

enum class OptoutState { pending, verified, expired };

struct Optout {
  std::int64_t id = 0;
  std::string prefix;   // canonical CIDR
  std::string contact;  // who asked (an e-mail address)
  std::string reason;
  std::string verify_to;  // the abuse contact the token went to
  OptoutState state = OptoutState::pending;
  TimePoint requested;
  std::optional<TimePoint> verified;
  TimePoint expires;  // a pending request lapses then
};

struct NewOptout {
  std::string prefix, contact, reason;
  std::string verify_to;   // the prefix's abuse contact (OptoutStore::abuse_contact)
  std::string token_hash;  // hex SHA-256 of the token mailed to verify_to
  TimePoint expires;
  NewMail verification;  // the message carrying the token
};

std::string_view to_string(OptoutState state);  // "pending", "verified", "expired"

class OptoutStore {
 public:
  explicit OptoutStore(Session& session);

  // The abuse contact for a whole prefix: that of the most specific abuse
  // prefix covering all of it, else the AS contact of its origin AS; nullopt
  // when there is none (the request is then refused).
  Result<std::optional<std::string>> abuse_contact(const std::string& prefix);
  // Stores the request and queues its verification message, in one transaction.
  Result<Optout> request(const NewOptout& optout);
  // Verifies the pending, unexpired request with this token; nullopt: no such request.
  Result<std::optional<Optout>> verify(std::string_view token, TimePoint now);
  Result<std::vector<Optout>> list();
  // Canonical CIDRs of verified opt-outs.
  Result<std::vector<std::string>> verified_prefixes();

 private:
  Session& session_;
};

}  // namespace fumidai::db
