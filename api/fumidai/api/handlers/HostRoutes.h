#pragma once
// GET /v1/hosts/{ip} ("hosts.get"): a host's current services, its history
// across scans and the changes in it. Admin and analyst keys; a host outside
// an analyst's constituency is a 404 exactly like an unknown one.
#include "fumidai/api/RouteRegistry.h"

namespace fumidai::api {

void register_host_routes(RouteRegistry& registry);

}  // namespace fumidai::api
