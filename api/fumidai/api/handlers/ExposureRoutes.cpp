#include "fumidai/api/handlers/ExposureRoutes.h"

#include "fumidai/api/handlers/FilterParams.h"
#include "fumidai/api/handlers/JsonBody.h"
#include "fumidai/api/handlers/ParamSpecs.h"
#include "fumidai/db/ExposureList.h"
#include "fumidai/db/PageCursor.h"

namespace fumidai::api {
namespace {

ApiResponse list_exposures(const ApiRequest& request, HandlerContext& context) {
  auto filter = FilterParams::filter(request);
  if (!filter) return JsonBody::error(filter.error());
  auto limit = FilterParams::limit(request, 100);
  if (!limit) return JsonBody::error(limit.error());
  auto session = context.database();
  if (!session) return JsonBody::error(session.error());
  db::ExposureList list(**session);
  auto page = list.page({*filter, FilterParams::scope(request), request.param("cursor").value_or(""), *limit});
  if (!page) return JsonBody::error(page.error());
  boost::json::array items;
  for (const auto& item : page->items) items.push_back(exposure_json(item));
  return JsonBody::ok(
      boost::json::object{{"items", std::move(items)}, {"next_cursor", JsonBody::text_or_null(page->next_cursor)}});
}

}  // namespace

boost::json::object exposure_json(const db::ExposureItem& item) {
  boost::system::error_code error;
  boost::json::value fingerprints = boost::json::parse(item.fingerprints, error);
  if (error || !fingerprints.is_array()) fingerprints = boost::json::array();
  return boost::json::object{{"ip", item.ip},
                             {"port", item.port},
                             {"transport", item.transport},
                             {"protocol", JsonBody::text_or_null(item.protocol)},
                             {"status", item.status},
                             {"ptr", JsonBody::text_or_null(item.ptr)},
                             {"asn", JsonBody::optional_int(item.asn)},
                             {"org", JsonBody::text_or_null(item.org_name)},
                             {"org_id", JsonBody::text_or_null(item.org_id)},
                             {"country", JsonBody::text_or_null(item.country)},
                             {"fingerprints", std::move(fingerprints)},
                             {"categories", JsonBody::strings(item.categories)},
                             {"labels", JsonBody::strings(item.labels)},
                             {"severity", JsonBody::text_or_null(item.severity)},
                             {"current", item.current},
                             {"first_seen", JsonBody::time(item.first_seen)},
                             {"last_seen", JsonBody::time(item.last_seen)},
                             {"last_scan_id", item.last_scan_id}};
}

void register_exposure_routes(RouteRegistry& registry) {
  auto params = FilterParams::specs();
  for (auto& spec : params::page(db::PageCursor::kMaxLength, db::ExposureList::kMaxLimit)) params.push_back(spec);
  registry.add({"GET", "/v1/exposures", "exposures.list", Access::not_researcher, std::move(params), list_exposures});
}

}  // namespace fumidai::api
