#pragma once
// GET /v1/openapi.json ("openapi"): the OpenAPI 3.0.3 document describing
// every route (api/openapi.json, compiled in). Open: no key needed.
#include <string_view>

#include "fumidai/api/RouteRegistry.h"

namespace fumidai::api {

void register_openapi_routes(RouteRegistry& registry);

// The document's text, as compiled in.
std::string_view openapi_document();

}  // namespace fumidai::api
