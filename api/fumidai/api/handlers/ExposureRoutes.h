#pragma once
// GET /v1/exposures (route "exposures.list"): exposed services, filtered,
// a page at a time: {"items": [...], "next_cursor": "..." | null}.
// Admin and analyst keys; an analyst sees its constituency only.
#include <boost/json.hpp>

#include "fumidai/api/RouteRegistry.h"
#include "fumidai/db/ExposureItem.h"

namespace fumidai::api {

void register_exposure_routes(RouteRegistry& registry);

// One item as the list (and the JSONL export's default columns) write it.
boost::json::object exposure_json(const db::ExposureItem& item);

}  // namespace fumidai::api
