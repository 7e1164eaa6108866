#include "fumidai/api/handlers/OptoutRoutes.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "fumidai/api/handlers/JsonBody.h"
#include "fumidai/api/handlers/JsonRequest.h"
#include "fumidai/api/handlers/LinkPage.h"
#include "fumidai/api/routing/ParamValidator.h"
#include "fumidai/db/OptoutStore.h"

namespace fumidai::api {
namespace {

using Service = std::shared_ptr<const campaigns::CampaignService>;
using Need = JsonRequest::Need;

constexpr JsonRequest::Limits kRequestLimits{8 * 1024, 2};
constexpr std::size_t kMaxAddress = 254;  // RFC 5321's path limit, less the brackets
constexpr std::size_t kMaxReason = 2000;  // as CampaignService takes it

// An addr-spec as far as the API can tell: one '@' with something either
// side, no spaces, no control characters. Whether mail reaches it is not
// ours to check: the token goes to the abuse contact anyway.
bool plausible_address(std::string_view address) {
  const auto at = address.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) return false;
  if (address.find('@', at + 1) != std::string_view::npos) return false;
  for (const char c : address) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == ',') return false;
  }
  return true;
}

ApiResponse request_optout(const Service& service, const ApiRequest& request, HandlerContext& context) {
  auto body = JsonRequest::parse(request, {"prefix", "contact", "reason"}, kRequestLimits);
  if (!body.ok()) return body.problem();
  auto prefix = body.text("prefix", Need::required, 64);
  if (prefix) {
    ParamSpec cidr;
    cidr.name = "prefix";
    cidr.type = ParamType::cidr;
    auto canonical = ParamValidator::normalise(cidr, *prefix);
    if (canonical) {
      prefix = std::move(*canonical);
    } else {
      body.invalid("prefix", canonical.error().message);
    }
  }
  const auto contact = body.text("contact", Need::required, kMaxAddress);
  if (contact && !plausible_address(*contact)) body.invalid("contact", "not an e-mail address");
  const auto reason = body.text("reason", Need::required, kMaxReason);
  if (reason && reason->empty()) body.invalid("reason", "say why, in a few words");
  if (!body.ok()) return body.problem();

  auto session = context.database();
  if (!session) return JsonBody::error(session.error());
  auto stored = service->request_optout(**session, *prefix, *contact, *reason);
  if (!stored) {
    if (stored.error().kind == Error::Kind::invalid_input) {
      return problem(422, "Unprocessable Content", stored.error().message);
    }
    return JsonBody::error(stored.error());
  }
  ApiResponse response = JsonBody::ok(boost::json::object{{"id", stored->id},
                                                          {"prefix", stored->prefix},
                                                          {"state", db::to_string(stored->state)},
                                                          {"verify_to", stored->verify_to},
                                                          {"expires", JsonBody::time(stored->expires)}});
  response.status = 202;
  return response;
}

ApiResponse list_optouts(const ApiRequest&, HandlerContext& context) {
  auto session = context.database();
  if (!session) return JsonBody::error(session.error());
  db::OptoutStore store(**session);
  auto optouts = store.list();
  if (!optouts) return JsonBody::error(optouts.error());
  boost::json::array items;
  for (const auto& optout : *optouts) items.push_back(campaigns::to_json(optout));
  return JsonBody::ok(boost::json::object{{"items", std::move(items)}});
}

ApiResponse verify_form(const ApiRequest& request, HandlerContext&) {
  const auto& token = request.path.at("token");
  if (!LinkPage::valid_token(token)) return LinkPage::page(404, "Unknown link", "This link is not valid.");
  return LinkPage::form("Confirm the opt-out",
                        "Press the button to confirm that the network named in the message you received should "
                        "not be scanned or written to.",
                        fmt::format("/v1/optouts/verify/{}", token), "Confirm the opt-out");
}

ApiResponse verify(const ApiRequest& request, HandlerContext& context) {
  const bool form = LinkPage::from_form(request);
  const auto& token = request.path.at("token");
  const auto unknown = [&] {
    return form ? LinkPage::page(404, "Unknown link", "This link is not valid, or it has expired.")
                : JsonBody::not_found("no pending opt-out has this token (unknown or expired)");
  };
  if (!LinkPage::valid_token(token)) return unknown();
  auto session = context.database();
  if (!session) return JsonBody::error(session.error());
  db::OptoutStore store(**session);
  const auto now = context.clock().wall_time();
  auto verified = store.verify(token, now);
  if (!verified) return JsonBody::error(verified.error());
  if (!*verified) return unknown();
  if (form) {
    return LinkPage::page(200, "Opt-out confirmed",
                          fmt::format("{} will no longer be scanned or written to.", (*verified)->prefix));
  }
  return JsonBody::ok(campaigns::to_json(**verified));
}

}  // namespace

void register_optout_routes(RouteRegistry& registry, Service service) {
  registry.add({"POST",
                "/v1/optouts",
                "optouts.request",
                Access::open,
                {},
                [service](const ApiRequest& request, HandlerContext& context) {
                  return request_optout(service, request, context);
                }});
  registry.add({"GET", "/v1/optouts", "optouts.list", Access::admin, {}, list_optouts});
  registry.add({"GET", "/v1/optouts/verify/{token}", "optouts.verify_form", Access::open, {}, verify_form});
  registry.add({"POST", "/v1/optouts/verify/{token}", "optouts.verify", Access::open, {}, verify});
}

}  // namespace fumidai::api
