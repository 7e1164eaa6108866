#pragma once
// /v1/campaigns: create a notification campaign (its selection read like
// /v1/exposures' query), list campaigns, and read one's recipients, letters
// (JSON, and as the RFC 5322 message, …/letters/{rid}.eml), acknowledgements
// and remediation; /v1/ack/{token}: the acknowledgement link in a letter.
// Roles: admin sees every campaign; an analyst only those its key created
// (others are 404, as if absent) and its selections are ANDed with its
// constituency; a researcher gets 403. The ack link is open (the token is the
// credential): its GET shows a form, its POST acknowledges.
// Contract: the service is shared, immutable and thread-safe, and lives as
// long as the routes.
#include <memory>

#include "fumidai/api/RouteRegistry.h"
#include "fumidai/campaigns/CampaignService.h"

namespace fumidai::api {

void register_campaign_routes(RouteRegistry& registry, std::shared_ptr<const campaigns::CampaignService> service);

}  // namespace fumidai::api
