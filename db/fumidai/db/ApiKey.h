#pragma once
// An API key as the database keeps it (db/migrations/0004_api.sql): its
// identity, role, constituency and request budget, never its secret.
// The API maps it to api::Principal (api/fumidai/api/auth/); db/ does not
// depend on api/.
// Contract: plain values.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fumidai::db {

using TimePoint = std::chrono::system_clock::time_point;

enum class ApiRole { admin, analyst, researcher };

std::string_view role_name(ApiRole role);
// "admin", "analyst" or "researcher"; anything else is nullopt.
std::optional<ApiRole> parse_role(std::string_view text);

// An analyst's networks; empty for the other roles.
struct ApiConstituency {
  std::vector<std::int64_t> asns;
  std::vector<std::string> prefixes;   // canonical CIDR text ("192.0.2.0/24")
  std::vector<std::string> countries;  // ISO 3166-1 alpha-2, upper case
  bool empty() const { return asns.empty() && prefixes.empty() && countries.empty(); }
  bool operator==(const ApiConstituency&) const = default;
};

// A token bucket: `burst` requests, refilled at `per_second`.
struct ApiRate {
  double per_second = 10;
  double burst = 50;
};

struct ApiKey {
  std::int64_t id = 0;
  std::string name;
  ApiRole role = ApiRole::researcher;
  std::string token_prefix;  // the token's public lookup part
  ApiConstituency constituency;
  ApiRate rate;
  TimePoint created_at;
  std::optional<TimePoint> revoked_at;
  std::optional<TimePoint> last_used_at;  // coarse: moved at most once a minute
};

}  // namespace fumidai::db
