#include "fumidai/api/handlers/ScanRoutes.h"

#include <charconv>

#include "fumidai/api/handlers/FilterParams.h"
#include "fumidai/api/handlers/JsonBody.h"
#include "fumidai/api/handlers/ParamSpecs.h"
#include "fumidai/db/PageCursor.h"
#include "fumidai/db/ScanQueries.h"

namespace fumidai::api {
namespace {

boost::json::object scan_json(const db::ScanInfo& s, bool global) {
  boost::json::array ports, udp_ports;
  for (const auto p : s.ports) ports.push_back(p);
  for (const auto p : s.udp_ports) udp_ports.push_back(p);
  boost::json::object out{{"id", s.id},
                          {"name", s.name},
                          {"started", JsonBody::time(s.started)},
                          {"finished", JsonBody::optional_time(s.finished)},
                          {"finalized", JsonBody::optional_time(s.finalized)},
                          {"ports", std::move(ports)},
                          {"udp_ports", std::move(udp_ports)},
                          {"tool_version", s.tool_version}};
  if (global) {
    out["target_summary"] = s.target_summary;
    out["rows_ingested"] = s.rows_ingested;
  }
  return out;
}

ApiResponse list_scans(const ApiRequest& request, HandlerContext& context) {
  auto limit = FilterParams::limit(request, 100);
  if (!limit) return JsonBody::error(limit.error());
  auto session = context.database();
  if (!session) return JsonBody::error(session.error());
  auto page = db::ScanQueries(**session).list(request.param("cursor").value_or(""), *limit);
  if (!page) return JsonBody::error(page.error());
  const bool global = !FilterParams::scope(request).restricted;
  boost::json::array items;
  for (const auto& s : page->items) items.push_back(scan_json(s, global));
  return JsonBody::ok(
      boost::json::object{{"items", std::move(items)}, {"next_cursor", JsonBody::text_or_null(page->next_cursor)}});
}

ApiResponse get_scan(const ApiRequest& request, HandlerContext& context) {
  const auto it = request.path.find("id");
  const std::string text = it == request.path.end() ? std::string() : it->second;
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id < 1) {
    return problem(400, "Bad Request", "id: not a scan id", {{"id", "not a positive integer"}});
  }
  auto session = context.database();
  if (!session) return JsonBody::error(session.error());
  auto scan = db::ScanQueries(**session).get(id);
  if (!scan) return JsonBody::error(scan.error());
  if (!*scan) return JsonBody::not_found("no scan " + std::to_string(id));
  return JsonBody::ok(scan_json(**scan, !FilterParams::scope(request).restricted));
}

}  // namespace

void register_scan_routes(RouteRegistry& registry) {
  registry.add({"GET", "/v1/scans", "scans.list", Access::any_key,
                params::page(db::PageCursor::kMaxLength, db::ScanQueries::kMaxLimit), list_scans});
  registry.add({"GET", "/v1/scans/{id}", "scans.get", Access::any_key, {}, get_scan});
}

}  // namespace fumidai::api
