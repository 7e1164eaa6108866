#pragma once
// GET /v1/exports/exposures.csv ("exports.csv") and .jsonl ("exports.jsonl"):
// every exposure the filters select, streamed (chunked) at constant memory.
// columns=shadowserver for Shadowserver-style columns; pseudonymize=prefix24
// or hmac for sharing. Researcher keys must pseudonymize (else 403); an
// analyst's export holds its constituency only.
#include "fumidai/api/RouteRegistry.h"

namespace fumidai::api {

void register_export_routes(RouteRegistry& registry);

}  // namespace fumidai::api
