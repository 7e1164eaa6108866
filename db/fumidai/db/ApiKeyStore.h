#pragma once
// The API's keys in PostgreSQL (api_keys, db/migrations/0004_api.sql):
// make one (its token is returned once and never stored: only the SHA-256 of
// its secret is), find the live key for a token, list, revoke.
// find() is what the API's authenticator asks on a cache miss; it also moves
// the key's last_used_at, at most once a minute, so a busy key costs one
// small UPDATE a minute rather than one per request.
// Contract: borrows the Session, which must outlive it; one thread at a time
// (as the Session).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/db/ApiKey.h"
#include "fumidai/db/ApiToken.h"
#include "fumidai/db/Session.h"

namespace fumidai::db {

struct NewApiKey {
  std::string name;  // 1-64 of [A-Za-z0-9._-], unique
  ApiRole role = ApiRole::researcher;
  ApiConstituency constituency;  // an analyst's (required); none for the others
  ApiRate rate;
};

struct CreatedApiKey {
  ApiKey key;
  std::string token;  // fmd_<prefix>_<secret>: shown once
};

struct RevokedApiKey {
  ApiKey key;
  bool already_revoked = false;  // it was revoked before this call
};

class ApiKeyStore {
 public:
  static constexpr std::size_t kMaxNameLength = 64;
  static constexpr std::size_t kMaxConstituencyEntries = 10000;  // per list
  static constexpr double kMaxRate = 1000000;

  explicit ApiKeyStore(Session& session);

  // The key as it would be stored: prefixes in canonical CIDR form, countries
  // upper-cased, each list sorted without duplicates; or an input error
  // naming the bad value. create() applies it; the CLI calls it before
  // touching the database.
  static Result<NewApiKey> validate(NewApiKey key);

  // A taken name is an input error.
  Result<CreatedApiKey> create(const NewApiKey& key);
  // The live (not revoked) key whose token this is; nullopt for an unknown,
  // revoked or malformed token (a malformed one is never sent to the server).
  Result<std::optional<ApiKey>> find(std::string_view token);
  Result<std::optional<ApiKey>> find(const ApiToken& token);
  // Every key, revoked ones included, by id.
  Result<std::vector<ApiKey>> list();
  // By name, or by id when no key has that name and it is a number. Revoking
  // a revoked key changes nothing; an unknown key is an input error.
  Result<RevokedApiKey> revoke(std::string_view name_or_id);

 private:
  Session& session_;
};

}  // namespace fumidai::db
