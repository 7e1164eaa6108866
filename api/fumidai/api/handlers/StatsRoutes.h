#pragma once
// The statistics: GET /v1/stats/by-isp ("stats.by_isp"), /v1/stats/by-product
// ("stats.by_product") and /v1/stats/timeline ("stats.timeline"). Every key
// may ask; an analyst's counts cover its constituency only.
#include "fumidai/api/RouteRegistry.h"

namespace fumidai::api {

void register_stats_routes(RouteRegistry& registry);

}  // namespace fumidai::api
