#pragma once
// Wraps a route's handler so that its whole 200 answers are served from a
// ResponseCache (see there for staleness). The key holds everything such an
// answer depends on: the route, the validated query (a sorted map, so the
// order parameters came in does not matter), and the principal's role and
// constituency, so one analyst's counts never answer another's request.
// Streams and non-200 answers are never cached.
// Contract: the cache outlives the returned handler; thread-safe as the
// cache and the inner handler are.
#include <string>

#include "fumidai/api/RouteSpec.h"
#include "fumidai/api/cache/ResponseCache.h"

namespace fumidai::api {

Handler cached_handler(std::string route_name, Handler inner, ResponseCache& cache);

// The cache key for a request to `route_name` (exposed for tests).
std::string response_cache_key(const std::string& route_name, const ApiRequest& request);

}  // namespace fumidai::api
