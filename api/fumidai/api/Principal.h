#pragma once
// Who is asking: the API key's identity, role and constituency.
// Contract: a plain value, made by the authenticator per request.
#include <cstdint>
#include <string>
#include <vector>

namespace fumidai::api {

enum class Role {
  admin,       // everything, keys and audit included
  analyst,     // everything about its constituency; nothing outside it exists
  researcher,  // statistics, and exports that are pseudonymized
};

// The networks an analyst key answers for. A row is inside when its ASN, its
// address or its country matches any entry; an empty constituency (admin,
// researcher) is everything.
struct Constituency {
  std::vector<std::int64_t> asns;
  std::vector<std::string> prefixes;   // CIDR text, as PostgreSQL's cidr reads it
  std::vector<std::string> countries;  // ISO 3166-1 alpha-2
  bool unrestricted() const { return asns.empty() && prefixes.empty() && countries.empty(); }
};

// A key's request budget: a token bucket of `burst` requests refilled at
// `per_second`.
struct RateLimit {
  double per_second = 10;
  double burst = 50;
};

struct Principal {
  std::int64_t key_id = 0;
  std::string key_name;
  Role role = Role::researcher;
  Constituency constituency;  // empty unless role == analyst
  RateLimit rate_limit;
};

}  // namespace fumidai::api
