#include "fumidai/api/handlers/HostRoutes.h"

#include <boost/asio/ip/address.hpp>

#include "fumidai/api/handlers/FilterParams.h"
#include "fumidai/api/handlers/JsonBody.h"
#include "fumidai/api/handlers/ParamSpecs.h"
#include "fumidai/db/ExposureQueries.h"

namespace fumidai::api {
namespace {

boost::json::object event_json(const db::HostEvent& e) {
  return boost::json::object{{"scan_id", e.scan_id},
                             {"scan_started", JsonBody::time(e.scan_started)},
                             {"port", e.port},
                             {"transport", e.transport},
                             {"change", e.change},
                             {"protocol", JsonBody::text_or_null(e.protocol)},
                             {"status", JsonBody::text_or_null(e.status)},
                             {"rule_ids", JsonBody::strings(e.rule_ids)},
                             {"categories", JsonBody::strings(e.categories)},
                             {"labels", JsonBody::strings(e.labels)}};
}

ApiResponse get_host(const ApiRequest& request, HandlerContext& context) {
  const auto ip_it = request.path.find("ip");
  const std::string ip = ip_it == request.path.end() ? std::string() : ip_it->second;
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(ip, error);
  // The same answer for a malformed and an unknown address would hide typos;
  // a malformed one reveals nothing about any constituency.
  if (error) return problem(400, "Bad Request", "ip: not an IPv4 or IPv6 address", {{"ip", "not an address"}});
  int history_limit = 500;
  if (auto limit = FilterParams::limit(request, 500)) {
    history_limit = *limit;
  } else {
    return JsonBody::error(limit.error());
  }
  auto session = context.database();
  if (!session) return JsonBody::error(session.error());
  db::ExposureQueries queries(**session);
  const std::string canonical = address.to_string();
  const auto scope = FilterParams::scope(request);
  if (scope.restricted) {
    auto inside = queries.host_in_scope(canonical, scope);
    if (!inside) return JsonBody::error(inside.error());
    if (!*inside) return JsonBody::not_found("no host " + canonical);
  }
  auto view = queries.host(canonical, history_limit);
  if (!view) return JsonBody::error(view.error());
  if (!view->known) return JsonBody::not_found("no host " + canonical);
  boost::json::array services;
  for (const auto& s : view->services) {
    services.push_back(boost::json::object{{"port", s.port},
                                           {"transport", s.transport},
                                           {"protocol", JsonBody::text_or_null(s.protocol)},
                                           {"status", s.status},
                                           {"current", s.current},
                                           {"first_seen", JsonBody::time(s.first_seen)},
                                           {"last_seen", JsonBody::time(s.last_seen)},
                                           {"first_scan_id", s.first_scan_id},
                                           {"last_scan_id", s.last_scan_id},
                                           {"gone_since", JsonBody::optional_time(s.gone_since)},
                                           {"gone_scan_id", JsonBody::optional_int(s.gone_scan_id)},
                                           {"rule_ids", JsonBody::strings(s.rule_ids)},
                                           {"categories", JsonBody::strings(s.categories)},
                                           {"labels", JsonBody::strings(s.labels)}});
  }
  boost::json::array history;
  boost::json::array changes;
  for (const auto& e : view->history) {
    history.push_back(event_json(e));
    if (e.change == "appeared" || e.change == "disappeared" || e.change == "changed") changes.push_back(event_json(e));
  }
  boost::json::object router;
  if (!view->router_vendor.empty()) {
    router = {{"vendor", view->router_vendor},
              {"product", JsonBody::text_or_null(view->router_product)},
              {"version", JsonBody::text_or_null(view->router_version)}};
  }
  return JsonBody::ok(boost::json::object{
      {"ip", view->ip},
      {"asn", JsonBody::optional_int(view->asn)},
      {"org", JsonBody::text_or_null(view->org_name)},
      {"org_id", JsonBody::text_or_null(view->org_id)},
      {"country", JsonBody::text_or_null(view->country)},
      {"ptr", JsonBody::text_or_null(view->ptr)},
      {"router", router.empty() ? boost::json::value(nullptr) : boost::json::value(std::move(router))},
      {"categories", JsonBody::strings(view->categories)},
      {"labels", JsonBody::strings(view->labels)},
      {"first_seen", JsonBody::time(view->first_seen)},
      {"last_seen", JsonBody::time(view->last_seen)},
      {"services", std::move(services)},
      {"history", std::move(history)},
      {"changes", std::move(changes)}});
}

}  // namespace

void register_host_routes(RouteRegistry& registry) {
  registry.add({"GET",
                "/v1/hosts/{ip}",
                "hosts.get",
                Access::not_researcher,
                {params::integer("limit", 1, db::ExposureQueries::kMaxHistory,
                                 "History events to return, the latest (default 500).")},
                get_host});
}

}  // namespace fumidai::api
