#pragma once
// A route: method and path pattern, who may call it, the query parameters it
// accepts (anything else is a 400 before the handler runs), and the handler.
// Handler modules add their routes to the RouteRegistry at start-up
// (register_*_routes); the server never switches on paths.
// Contract: handlers run on the server's worker threads (never on the I/O
// threads), may block on the database, and must be thread-safe: one handler
// object serves concurrent requests.
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "fumidai/api/ApiRequest.h"
#include "fumidai/api/ApiResponse.h"
#include "fumidai/api/HandlerContext.h"

namespace fumidai::api {

enum class ParamType {
  string,     // any valid UTF-8 up to max_length
  integer,    // decimal, within [min, max]
  asn,        // 64496 or AS64496, 1..2^32-1
  ip,         // IPv4 or IPv6 address
  cidr,       // network/length, host bits clear
  country,    // ISO 3166-1 alpha-2, upper-cased
  timestamp,  // RFC 3339 date-time or YYYY-MM-DD
  choice,     // one of `choices`
};

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::string;
  bool repeated = false;  // may be given more than once (values OR together)
  std::vector<std::string> choices;
  std::int64_t min = std::numeric_limits<std::int64_t>::min();
  std::int64_t max = std::numeric_limits<std::int64_t>::max();
  std::size_t max_length = 256;
  std::string description;  // for the OpenAPI document
};

enum class Access {
  open,           // no key: /healthz, /readyz, /metrics, /v1/openapi.json
  any_key,        // every role
  not_researcher, // admin and analyst
  admin,          // admin only
};

using Handler = std::function<ApiResponse(const ApiRequest&, HandlerContext&)>;

struct RouteSpec {
  std::string method;   // GET, POST, ...
  std::string pattern;  // "/v1/hosts/{ip}"; a {name} segment matches one path segment ("{rid}.eml": ending so)
  std::string name;     // the route's label in metrics and the audit log, e.g. "hosts.get"
  Access access = Access::any_key;
  std::vector<ParamSpec> params;
  Handler handler;
};

}  // namespace fumidai::api
