#pragma once
// api::Authenticator over the API keys in PostgreSQL (db::ApiKeyStore),
// with a cache so a hot key does not cost a database round trip per request:
// answers, "no such key" included, are kept for a TTL (30 s by default).
// Hence a revoked key keeps working for at most one TTL on each server, and
// a new key may be refused for one TTL if someone tried its token before it
// existed (only possible by guessing 256 random bits). A malformed token is
// refused without asking anyone. Errors (the database away) are not cached.
// The cache is keyed by the SHA-256 of the whole token, so a wrong secret
// for a known prefix never hits a cached key, and no token sits in memory.
// The cache holds at most max_entries; when full, the oldest go first (a
// flood of made-up tokens evicts, it does not grow memory).
// Contract: thread-safe; the lookup is called outside the lock, from
// whichever request thread missed (concurrent misses for one token may each
// ask); lookup and clock must outlive the authenticator.
#include <array>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "fumidai/api/AccessControl.h"
#include "fumidai/core/Clock.h"
#include "fumidai/db/ApiKey.h"
#include "fumidai/db/ApiToken.h"

namespace fumidai::api {

// The live key for a well-formed token, nullopt for none, an Error when the
// store could not be asked.
using KeyLookup = std::function<Result<std::optional<db::ApiKey>>(const db::ApiToken&)>;

// The principal a key's requests run as.
Principal principal_from_key(const db::ApiKey& key);

struct KeyCacheOptions {
  Nanos ttl = std::chrono::seconds(30);
  std::size_t max_entries = 10000;
};

class KeyAuthenticator final : public Authenticator {
 public:
  KeyAuthenticator(KeyLookup lookup, Clock& clock, KeyCacheOptions options = {});

  Result<std::optional<Principal>> authenticate(std::string_view bearer_token) override;

  std::size_t cached() const;

 private:
  using Digest = std::array<unsigned char, 32>;
  struct DigestHash {
    std::size_t operator()(const Digest& d) const;
  };
  struct Entry {
    std::optional<Principal> principal;
    Nanos expires{0};
  };

  void remember(const Digest& digest, std::optional<Principal> principal, Nanos now);

  KeyLookup lookup_;
  Clock& clock_;
  const KeyCacheOptions options_;
  mutable std::mutex mutex_;
  std::unordered_map<Digest, Entry, DigestHash> cache_;
  // Insertion order, which with one TTL for all is expiry order. An entry
  // replaced later leaves a stale record here, skipped by its expiry.
  std::deque<std::pair<Digest, Nanos>> order_;
};

}  // namespace fumidai::api
