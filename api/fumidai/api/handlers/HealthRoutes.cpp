#include "fumidai/api/handlers/HealthRoutes.h"

#include "fumidai/db/Ping.h"

namespace fumidai::api {

void register_health_routes(RouteRegistry& routes, ServerMetrics& metrics) {
  routes.add({.method = "GET",
              .pattern = "/healthz",
              .name = "healthz",
              .access = Access::open,
              .params = {},
              .handler = [](const ApiRequest&, HandlerContext&) {
                ApiResponse response;
                response.body = R"({"status":"ok"})";
                return response;
              }});
  routes.add({.method = "GET",
              .pattern = "/readyz",
              .name = "readyz",
              .access = Access::open,
              .params = {},
              .handler = [](const ApiRequest&, HandlerContext& context) {
                auto session = context.database();
                if (!session)
                  return problem(503, "Service Unavailable", "no database session: " + session.error().message);
                auto answered = db::ping(**session);
                if (!answered) return problem(503, "Service Unavailable", answered.error().message);
                ApiResponse response;
                response.body = R"({"status":"ready"})";
                return response;
              }});
  routes.add({.method = "GET",
              .pattern = "/metrics",
              .name = "metrics",
              .access = Access::open,
              .params = {},
              .handler = [&metrics](const ApiRequest&, HandlerContext&) {
                ApiResponse response;
                response.content_type = "text/plain; version=0.0.4; charset=utf-8";
                response.body = metrics.render();
                return response;
              }});
}

}  // namespace fumidai::api
