#pragma once
// GET /v1/isps/{asn} ("isps.get"): an ISP's summary by one of its ASNs.
// Admin and analyst keys; an analyst may ask only for the ASNs its
// constituency names (any other is a 404, as an unknown one).
#include "fumidai/api/RouteRegistry.h"

namespace fumidai::api {

void register_isp_routes(RouteRegistry& registry);

}  // namespace fumidai::api
