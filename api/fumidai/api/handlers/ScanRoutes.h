#pragma once
// GET /v1/scans ("scans.list", newest first, paged) and /v1/scans/{id}
// ("scans.get"). Every key; the global figures (rows ingested, targets) are
// left out for an analyst, whose view is its constituency.
#include "fumidai/api/RouteRegistry.h"

namespace fumidai::api {

void register_scan_routes(RouteRegistry& registry);

}  // namespace fumidai::api
