#include "fumidai/api/handlers/OpenApiRoutes.h"

namespace fumidai::embedded {
extern const std::string_view api_openapi;
}

namespace fumidai::api {

std::string_view openapi_document() { return embedded::api_openapi; }

void register_openapi_routes(RouteRegistry& registry) {
  registry.add({"GET", "/v1/openapi.json", "openapi", Access::open, {}, [](const ApiRequest&, HandlerContext&) {
                  ApiResponse response;
                  response.body = std::string(openapi_document());
                  return response;
                }});
}

}  // namespace fumidai::api
