#include "fumidai/api/auth/PooledKeyLookup.h"

#include "fumidai/db/ApiKeyStore.h"

namespace fumidai::api {

KeyLookup pooled_key_lookup(db::ConnectionPool& pool) {
  return [&pool](const db::ApiToken& token) -> Result<std::optional<db::ApiKey>> {
    auto session = pool.acquire();
    if (!session) return session.error();
    return db::ApiKeyStore(**session).find(token);
  };
}

}  // namespace fumidai::api
