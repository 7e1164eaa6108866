#pragma once
// The routes a load balancer and Prometheus use, open to everyone:
// GET /healthz   200 {"status":"ok"} while the process serves at all;
// GET /readyz    200 when a pooled database session answers SELECT 1, else 503;
// GET /metrics   the server's metrics, Prometheus text format 0.0.4.
// Contract: register before the server starts; `metrics` outlives the routes.
#include "fumidai/api/RouteRegistry.h"
#include "fumidai/api/metrics/ServerMetrics.h"

namespace fumidai::api {

void register_health_routes(RouteRegistry& routes, ServerMetrics& metrics);

}  // namespace fumidai::api
