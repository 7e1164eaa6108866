#include "fumidai/api/handlers/ExportRoutes.h"

#include "fumidai/api/handlers/ExportStream.h"
#include "fumidai/api/handlers/FilterParams.h"
#include "fumidai/api/handlers/JsonBody.h"
#include "fumidai/api/handlers/ParamSpecs.h"

namespace fumidai::api {
namespace {

ApiResponse export_exposures(const ApiRequest& request, HandlerContext& context, ExportFormat format) {
  auto filter = FilterParams::filter(request);
  if (!filter) return JsonBody::error(filter.error());
  const auto mode = request.param("pseudonymize");
  db::Pseudonymization pseudonymization = db::Pseudonymization::none;
  if (mode == "prefix24") pseudonymization = db::Pseudonymization::prefix24;
  if (mode == "hmac") pseudonymization = db::Pseudonymization::hmac;
  if (request.principal && request.principal->role == Role::researcher &&
      pseudonymization == db::Pseudonymization::none) {
    return problem(403, "Forbidden", "researcher keys export pseudonymized only: add pseudonymize=prefix24 or hmac");
  }
  const auto columns =
      request.param("columns") == "shadowserver" ? ExportColumns::shadowserver : ExportColumns::exposure;
  auto session = context.database();
  if (!session) return JsonBody::error(session.error());
  auto pseudonymizer = db::Pseudonymizer::load(**session, pseudonymization);
  if (!pseudonymizer) return JsonBody::error(pseudonymizer.error());
  auto opened = db::ExposureExport::open(**session, *filter, FilterParams::scope(request));
  if (!opened) return JsonBody::error(opened.error());
  ApiResponse response;
  const bool csv = format == ExportFormat::csv;
  response.content_type = csv ? "text/csv; charset=utf-8" : "application/x-ndjson";
  response.headers.emplace_back("Content-Disposition", csv ? "attachment; filename=\"exposures.csv\""
                                                           : "attachment; filename=\"exposures.jsonl\"");
  response.stream = std::make_unique<ExportStream>(std::move(*session), std::move(*opened), std::move(*pseudonymizer),
                                                   format, columns);
  return response;
}

std::vector<ParamSpec> export_params() {
  auto params = FilterParams::specs();
  params.push_back(params::choice("columns", {"default", "shadowserver"},
                                  "default: the exposure item's fields; shadowserver: Shadowserver report columns."));
  params.push_back(params::choice(
      "pseudonymize", {"prefix24", "hmac"},
      "prefix24: zero the last octet (IPv6: keep the /48); hmac: a keyed hash of the address. Drops hostnames. "
      "Required for researcher keys."));
  return params;
}

}  // namespace

void register_export_routes(RouteRegistry& registry) {
  registry.add({"GET", "/v1/exports/exposures.csv", "exports.csv", Access::any_key, export_params(),
                [](const ApiRequest& r, HandlerContext& c) { return export_exposures(r, c, ExportFormat::csv); }});
  registry.add({"GET", "/v1/exports/exposures.jsonl", "exports.jsonl", Access::any_key, export_params(),
                [](const ApiRequest& r, HandlerContext& c) { return export_exposures(r, c, ExportFormat::jsonl); }});
}

}  // namespace fumidai::api
