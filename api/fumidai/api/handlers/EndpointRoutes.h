#pragma once
// Every endpoint of the REST API in one call, for `fumidai serve`:
// exposures, stats, hosts, ISPs, scans, exports, campaigns, opt-outs and
// the OpenAPI document (not /healthz, /readyz or /metrics, which belong to
// the server). The campaign service is shared by the campaign and opt-out
// routes and lives as long as they do.
#include <memory>

#include "fumidai/api/RouteRegistry.h"
#include "fumidai/api/cache/ResponseCache.h"
#include "fumidai/campaigns/CampaignService.h"

namespace fumidai::api {

void register_endpoint_routes(RouteRegistry& registry, ResponseCache& cache,
                              std::shared_ptr<const campaigns::CampaignService> campaigns);

}  // namespace fumidai::api
