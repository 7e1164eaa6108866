#pragma once
// The KeyLookup `fumidai serve` gives KeyAuthenticator: db::ApiKeyStore::find
// over a session leased from the server's pool for the one query.
// Contract: the pool must outlive the returned function; thread-safe as the
// pool is.
#include "fumidai/api/auth/KeyAuthenticator.h"
#include "fumidai/db/ConnectionPool.h"

namespace fumidai::api {

KeyLookup pooled_key_lookup(db::ConnectionPool& pool);

}  // namespace fumidai::api
