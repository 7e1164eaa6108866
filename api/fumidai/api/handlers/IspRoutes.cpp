#include "fumidai/api/handlers/IspRoutes.h"

#include <algorithm>
#include <charconv>

#include "fumidai/api/handlers/FilterParams.h"
#include "fumidai/api/handlers/JsonBody.h"
#include "fumidai/db/IspSummaryQuery.h"

namespace fumidai::api {
namespace {

std::optional<std::int64_t> parse_asn(std::string_view text) {
  if (text.starts_with("AS") || text.starts_with("as")) text.remove_prefix(2);
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 1 || value > 4294967295LL) {
    return std::nullopt;
  }
  return value;
}

boost::json::object count_json(const db::NamedCount& c) {
  return {{"name", c.name}, {"services", c.services}, {"hosts", c.hosts}};
}

ApiResponse get_isp(const ApiRequest& request, HandlerContext& context) {
  const auto it = request.path.find("asn");
  const auto asn = parse_asn(it == request.path.end() ? std::string_view() : std::string_view(it->second));
  if (!asn) return problem(400, "Bad Request", "asn: not an AS number (1..4294967295)", {{"asn", "not an AS number"}});
  const auto scope = FilterParams::scope(request);
  if (scope.restricted && std::find(scope.asns.begin(), scope.asns.end(), *asn) == scope.asns.end()) {
    return JsonBody::not_found("no ISP with AS" + std::to_string(*asn));
  }
  auto session = context.database();
  if (!session) return JsonBody::error(session.error());
  auto summary = db::IspSummaryQuery(**session).summary(*asn);
  if (!summary) return JsonBody::error(summary.error());
  if (!summary->known) return JsonBody::not_found("no ISP with AS" + std::to_string(*asn));
  boost::json::array categories, products, labels, trend;
  for (const auto& c : summary->categories) categories.push_back(count_json(c));
  for (const auto& l : summary->top_labels) labels.push_back(count_json(l));
  for (const auto& p : summary->products) {
    products.push_back(boost::json::object{{"vendor", JsonBody::text_or_null(p.vendor)},
                                           {"product", JsonBody::text_or_null(p.product)},
                                           {"category", p.category},
                                           {"services", p.services},
                                           {"hosts", p.hosts}});
  }
  for (const auto& t : summary->trend) {
    trend.push_back(boost::json::object{{"scan_id", t.scan_id},
                                        {"scan_started", JsonBody::time(t.scan_started)},
                                        {"services", t.services},
                                        {"hosts", t.hosts}});
  }
  return JsonBody::ok(boost::json::object{{"asn", summary->asn},
                                          {"org_id", JsonBody::text_or_null(summary->org_id)},
                                          {"name", JsonBody::text_or_null(summary->name)},
                                          {"country", JsonBody::text_or_null(summary->country)},
                                          {"prefixes", JsonBody::strings(summary->prefixes)},
                                          {"prefixes_truncated", summary->prefixes_truncated},
                                          {"scan_id", JsonBody::optional_int(summary->scan_id)},
                                          {"categories", std::move(categories)},
                                          {"products", std::move(products)},
                                          {"top_labels", std::move(labels)},
                                          {"trend", std::move(trend)}});
}

}  // namespace

void register_isp_routes(RouteRegistry& registry) {
  registry.add({"GET", "/v1/isps/{asn}", "isps.get", Access::not_researcher, {}, get_isp});
}

}  // namespace fumidai::api
