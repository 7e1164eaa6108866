#pragma once
// Every endpoint of the REST API in one call, for `fumidai serve`:
// exposures, stats, hosts, ISPs, scans, exports and the OpenAPI document
// (not /healthz, /readyz or /metrics, which belong to the server).
#include "fumidai/api/RouteRegistry.h"
#include "fumidai/api/cache/ResponseCache.h"

namespace fumidai::api {

void register_endpoint_routes(RouteRegistry& registry, ResponseCache& cache);

}  // namespace fumidai::api
