#include "fumidai/api/handlers/StatsRoutes.h"

#include "fumidai/api/cache/CachedHandler.h"
#include "fumidai/api/handlers/FilterParams.h"
#include "fumidai/api/handlers/JsonBody.h"
#include "fumidai/api/handlers/ParamSpecs.h"
#include "fumidai/db/ExposureStats.h"

namespace fumidai::api {
namespace {

ApiResponse by_isp(const ApiRequest& request, HandlerContext& context) {
  auto filter = FilterParams::filter(request);
  if (!filter) return JsonBody::error(filter.error());
  db::IspStatsRequest query{*filter, FilterParams::scope(request), db::StatsCountBy::category,
                            db::StatsGroupBy::organization};
  if (request.param("by") == "label") query.by = db::StatsCountBy::label;
  if (request.param("group") == "asn") query.group = db::StatsGroupBy::asn;
  auto session = context.database();
  if (!session) return JsonBody::error(session.error());
  auto stats = db::ExposureStats(**session).by_isp(query);
  if (!stats) return JsonBody::error(stats.error());
  boost::json::array items;
  for (const auto& r : stats->rows) {
    boost::json::object item{{"org_id", JsonBody::text_or_null(r.org_id)},
                             {"org", JsonBody::text_or_null(r.org_name)},
                             {"name", r.name},
                             {"services", r.services},
                             {"hosts", r.hosts}};
    if (query.group == db::StatsGroupBy::asn) item["asn"] = JsonBody::optional_int(r.asn);
    items.push_back(std::move(item));
  }
  return JsonBody::ok(boost::json::object{{"scan_id", stats->scan_id},
                                          {"scan_started", JsonBody::time(stats->scan_started)},
                                          {"by", query.by == db::StatsCountBy::category ? "category" : "label"},
                                          {"group", query.group == db::StatsGroupBy::asn ? "asn" : "org"},
                                          {"items", std::move(items)}});
}

ApiResponse by_product(const ApiRequest& request, HandlerContext& context) {
  auto filter = FilterParams::filter(request);
  if (!filter) return JsonBody::error(filter.error());
  auto session = context.database();
  if (!session) return JsonBody::error(session.error());
  auto stats = db::ExposureStats(**session).by_product(*filter, FilterParams::scope(request));
  if (!stats) return JsonBody::error(stats.error());
  boost::json::array items;
  for (const auto& r : stats->rows) {
    items.push_back(boost::json::object{{"vendor", JsonBody::text_or_null(r.vendor)},
                                        {"product", JsonBody::text_or_null(r.product)},
                                        {"category", r.category},
                                        {"services", r.services},
                                        {"hosts", r.hosts}});
  }
  return JsonBody::ok(boost::json::object{
      {"scan_id", stats->scan_id}, {"scan_started", JsonBody::time(stats->scan_started)}, {"items", std::move(items)}});
}

ApiResponse timeline(const ApiRequest& request, HandlerContext& context) {
  auto filter = FilterParams::filter(request);
  if (!filter) return JsonBody::error(filter.error());
  auto limit = FilterParams::limit(request, 52);
  if (!limit) return JsonBody::error(limit.error());
  db::TimelineRequest query{*filter, FilterParams::scope(request), filter->since, filter->until, *limit};
  auto session = context.database();
  if (!session) return JsonBody::error(session.error());
  auto points = db::ExposureStats(**session).timeline(query);
  if (!points) return JsonBody::error(points.error());
  boost::json::array items;
  for (const auto& p : *points) {
    items.push_back(boost::json::object{{"scan_id", p.scan_id},
                                        {"scan_started", JsonBody::time(p.scan_started)},
                                        {"services", p.services},
                                        {"hosts", p.hosts}});
  }
  return JsonBody::ok(boost::json::object{{"items", std::move(items)}});
}

}  // namespace

void register_stats_routes(RouteRegistry& registry, ResponseCache& cache) {
  auto isp_params = FilterParams::specs();
  isp_params.push_back(params::choice("by", {"category", "label"}, "Count per category (default) or per label."));
  isp_params.push_back(params::choice("group", {"org", "asn"}, "One row per ISP (default) or per ASN."));
  registry.add({"GET", "/v1/stats/by-isp", "stats.by_isp", Access::any_key, std::move(isp_params),
                cached_handler("stats.by_isp", by_isp, cache)});
  registry.add({"GET", "/v1/stats/by-product", "stats.by_product", Access::any_key, FilterParams::specs(),
                cached_handler("stats.by_product", by_product, cache)});
  auto timeline_params = FilterParams::specs({"scan", "since", "until"});
  timeline_params.push_back(
      params::of_type("since", ParamType::timestamp, "Only scans started at or after (RFC 3339 or YYYY-MM-DD, UTC)."));
  timeline_params.push_back(
      params::of_type("until", ParamType::timestamp, "Only scans started at or before (RFC 3339 or YYYY-MM-DD, UTC)."));
  timeline_params.push_back(
      params::integer("limit", 1, db::ExposureStats::kMaxTimeline, "The latest this many scans (default 52)."));
  registry.add({"GET", "/v1/stats/timeline", "stats.timeline", Access::any_key, std::move(timeline_params),
                cached_handler("stats.timeline", timeline, cache)});
}

}  // namespace fumidai::api
