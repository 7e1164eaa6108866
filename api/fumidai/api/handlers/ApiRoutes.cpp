#include "fumidai/api/handlers/ApiRoutes.h"

#include "fumidai/api/handlers/HealthRoutes.h"

namespace fumidai::api {

void register_api_routes(RouteRegistry& routes, ServerMetrics& metrics) { register_health_routes(routes, metrics); }

}  // namespace fumidai::api
