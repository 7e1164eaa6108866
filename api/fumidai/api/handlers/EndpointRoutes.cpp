#include "fumidai/api/handlers/EndpointRoutes.h"

#include "fumidai/api/handlers/CampaignRoutes.h"
#include "fumidai/api/handlers/ExportRoutes.h"
#include "fumidai/api/handlers/ExposureRoutes.h"
#include "fumidai/api/handlers/HostRoutes.h"
#include "fumidai/api/handlers/IspRoutes.h"
#include "fumidai/api/handlers/OpenApiRoutes.h"
#include "fumidai/api/handlers/OptoutRoutes.h"
#include "fumidai/api/handlers/ScanRoutes.h"
#include "fumidai/api/handlers/StatsRoutes.h"

namespace fumidai::api {

void register_endpoint_routes(RouteRegistry& registry, ResponseCache& cache,
                              std::shared_ptr<const campaigns::CampaignService> campaigns) {
  register_exposure_routes(registry);
  register_stats_routes(registry, cache);
  register_host_routes(registry);
  register_isp_routes(registry);
  register_scan_routes(registry);
  register_export_routes(registry);
  register_campaign_routes(registry, campaigns);
  register_optout_routes(registry, std::move(campaigns));
  register_openapi_routes(registry);
}

}  // namespace fumidai::api
