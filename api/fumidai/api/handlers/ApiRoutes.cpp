#include "fumidai/api/handlers/ApiRoutes.h"

#include "fumidai/api/handlers/EndpointRoutes.h"
#include "fumidai/api/handlers/HealthRoutes.h"

namespace fumidai::api {

void register_api_routes(RouteRegistry& routes, ServerMetrics& metrics, ResponseCache& cache,
                         std::shared_ptr<const campaigns::CampaignService> campaigns) {
  register_health_routes(routes, metrics);
  register_endpoint_routes(routes, cache, std::move(campaigns));
}

}  // namespace fumidai::api
