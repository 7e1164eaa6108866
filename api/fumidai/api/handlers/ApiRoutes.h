#pragma once
// Every route of `fumidai serve`, registered in one call by the CLI: each
// handler module adds its register_*_routes call here.
// Contract: call once, before the server starts; the arguments outlive the
// registry.
#include <memory>

#include "fumidai/api/RouteRegistry.h"
#include "fumidai/api/cache/ResponseCache.h"
#include "fumidai/api/metrics/ServerMetrics.h"
#include "fumidai/campaigns/CampaignService.h"

namespace fumidai::api {

void register_api_routes(RouteRegistry& routes, ServerMetrics& metrics, ResponseCache& cache,
                         std::shared_ptr<const campaigns::CampaignService> campaigns);

}  // namespace fumidai::api
