#include "fumidai/api/handlers/ApiRoutes.h"

#include "fumidai/api/handlers/EndpointRoutes.h"
#include "fumidai/api/handlers/HealthRoutes.h"

namespace fumidai::api {

void register_api_routes(RouteRegistry& routes, ServerMetrics& metrics, ResponseCache& cache) {
  register_health_routes(routes, metrics);
  register_endpoint_routes(routes, cache);
}

}  // namespace fumidai::api
