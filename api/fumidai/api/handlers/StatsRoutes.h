#pragma once
// The statistics: GET /v1/stats/by-isp ("stats.by_isp"), /v1/stats/by-product
// ("stats.by_product") and /v1/stats/timeline ("stats.timeline"). Every key
// may ask; an analyst's counts cover its constituency only.
#include "fumidai/api/RouteRegistry.h"
#include "fumidai/api/cache/ResponseCache.h"

namespace fumidai::api {

// The answers come from `cache` when it holds them (ResponseCache: they
// change only when a scan is finalized); the cache outlives the routes.
void register_stats_routes(RouteRegistry& registry, ResponseCache& cache);

}  // namespace fumidai::api
