#include "fumidai/api/auth/KeyAuthenticator.h"

#include <openssl/sha.h>

#include <cstring>

namespace fumidai::api {

Principal principal_from_key(const db::ApiKey& key) {
  Principal p;
  p.key_id = key.id;
  p.key_name = key.name;
  switch (key.role) {
    case db::ApiRole::admin:
      p.role = Role::admin;
      break;
    case db::ApiRole::analyst:
      p.role = Role::analyst;
      break;
    case db::ApiRole::researcher:
      p.role = Role::researcher;
      break;
  }
  p.constituency.asns = key.constituency.asns;
  p.constituency.prefixes = key.constituency.prefixes;
  p.constituency.countries = key.constituency.countries;
  p.rate_limit = RateLimit{key.rate.per_second, key.rate.burst};
  return p;
}

std::size_t KeyAuthenticator::DigestHash::operator()(const Digest& d) const {
  // Already uniformly random: the first bytes are a good hash.
  std::size_t h;
  std::memcpy(&h, d.data(), sizeof h);
  return h;
}

KeyAuthenticator::KeyAuthenticator(KeyLookup lookup, Clock& clock, KeyCacheOptions options)
    : lookup_(std::move(lookup)), clock_(clock), options_(options) {}

Result<std::optional<Principal>> KeyAuthenticator::authenticate(std::string_view bearer_token) {
  auto token = db::ApiToken::parse(bearer_token);
  if (!token) return std::optional<Principal>();
  Digest digest;
  SHA256(reinterpret_cast<const unsigned char*>(bearer_token.data()), bearer_token.size(), digest.data());
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(digest);
    if (it != cache_.end() && clock_.now() < it->second.expires) return it->second.principal;
  }
  auto found = lookup_(*token);
  if (!found) return found.error();
  std::optional<Principal> principal;
  if (*found) principal = principal_from_key(**found);
  remember(digest, principal, clock_.now());
  return principal;
}

void KeyAuthenticator::remember(const Digest& digest, std::optional<Principal> principal, Nanos now) {
  if (options_.max_entries == 0) return;
  std::lock_guard lock(mutex_);
  const auto drop_front = [&] {
    auto it = cache_.find(order_.front().first);
    if (it != cache_.end() && it->second.expires == order_.front().second) cache_.erase(it);
    order_.pop_front();
  };
  while (!order_.empty() && order_.front().second <= now) drop_front();
  while (cache_.size() >= options_.max_entries && !order_.empty()) drop_front();
  const Nanos expires = now + options_.ttl;
  cache_[digest] = Entry{std::move(principal), expires};
  order_.emplace_back(digest, expires);
}

std::size_t KeyAuthenticator::cached() const {
  std::lock_guard lock(mutex_);
  return cache_.size();
}

}  // namespace fumidai::api
