#pragma once
// /v1/optouts: a network asks not to be scanned or written to. POST (open:
// whoever runs the network has no key) stores the request and mails a token
// to the prefix's abuse contact, 202; the request counts once that token
// comes back through /v1/optouts/verify/{token} (GET: a page with a form, as
// mail scanners prefetch links; POST: verifies). GET /v1/optouts lists them
// (admin only). The open POSTs fall under the server's budget for open
// routes (ServerLimits::open_*).
// Contract: the service is shared, immutable and thread-safe, and lives as
// long as the routes.
#include <memory>

#include "fumidai/api/RouteRegistry.h"
#include "fumidai/campaigns/CampaignService.h"

namespace fumidai::api {

void register_optout_routes(RouteRegistry& registry, std::shared_ptr<const campaigns::CampaignService> service);

}  // namespace fumidai::api
