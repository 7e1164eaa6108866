#pragma once
// Every endpoint of the REST API in one call, for `fumidai serve`:
// exposures, stats, hosts, ISPs, scans, exports and the OpenAPI document
// (not /healthz, /readyz or /metrics, which belong to the server).
#include "fumidai/api/RouteRegistry.h"

namespace fumidai::api {

void register_endpoint_routes(RouteRegistry& registry);

}  // namespace fumidai::api
