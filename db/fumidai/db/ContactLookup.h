#pragma once
// Whom to tell about each exposure: the abuse contact of an address (that of
// the most specific abuse prefix holding it, else its AS's), from the latest
// `abuse` import, looked up for many addresses at once (each distinct address
// once, 50,000 to a statement; up to 1,000,000 queries per call).
// Contract: borrows the Session; one thread at a time.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/db/Session.h"

namespace fumidai::db {

struct ContactQuery {
  std::string ip;
  std::optional<std::int64_t> asn;
};

class ContactLookup {
 public:
  explicit ContactLookup(Session& session);
  // ip -> e-mail, for the addresses that have one (several contacts: the
  // alphabetically first, so grouping is stable).
  Result<std::map<std::string, std::string>> abuse_contacts(const std::vector<ContactQuery>& queries);

 private:
  Session& session_;
};

}  // namespace fumidai::db
