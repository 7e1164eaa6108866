#include "fumidai/api/handlers/CampaignRoutes.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>

#include "fumidai/api/handlers/CampaignSelection.h"
#include "fumidai/api/handlers/FilterParams.h"
#include "fumidai/api/handlers/JsonBody.h"
#include "fumidai/api/handlers/JsonRequest.h"
#include "fumidai/api/handlers/LinkPage.h"
#include "fumidai/campaigns/Remediation.h"
#include "fumidai/db/CampaignStore.h"

namespace fumidai::api {
namespace {

using Service = std::shared_ptr<const campaigns::CampaignService>;
using Need = JsonRequest::Need;

constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxLanguage = 16;
constexpr JsonRequest::Limits kCreateLimits{16 * 1024, 6};

// A path id: a positive decimal integer; anything else names no campaign.
std::optional<std::int64_t> id_of(const std::string& text) {
  std::int64_t value = 0;
  if (text.empty() || text.size() > 18 || text.front() == '0') return std::nullopt;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

ApiResponse no_campaign() { return JsonBody::not_found("no such campaign"); }

// Input the service refuses after the body's own checks passed (an empty
// selection, say): well-formed, but nothing to do: 422 with its message.
ApiResponse service_error(const Error& error) {
  if (error.kind == Error::Kind::invalid_input) return problem(422, "Unprocessable Content", error.message);
  return JsonBody::error(error);
}

bool is_analyst(const ApiRequest& request) { return request.principal && request.principal->role == Role::analyst; }

// The campaign `id` if the caller may see it: an analyst only its own
// key's; any other is reported exactly like a missing one.
Result<std::optional<db::CampaignSummary>> visible(const ApiRequest& request, db::CampaignStore& store,
                                                   std::int64_t id) {
  auto found = store.get(id);
  if (!found || !*found) return found;
  if (is_analyst(request) && (*found)->created_by_key_id != request.principal->key_id) {
    return std::optional<db::CampaignSummary>();
  }
  return found;
}

// Runs `then(session, store, campaign)` on the campaign {id} names, if the
// caller may see it.
template <class Then>
ApiResponse with_campaign(const ApiRequest& request, HandlerContext& context, Then then) {
  const auto id = id_of(request.path.at("id"));
  if (!id) return no_campaign();
  auto session = context.database();
  if (!session) return JsonBody::error(session.error());
  db::CampaignStore store(**session);
  auto campaign = visible(request, store, *id);
  if (!campaign) return JsonBody::error(campaign.error());
  if (!*campaign) return no_campaign();
  return then(**session, store, **campaign);
}

ApiResponse create(const Service& service, const ApiRequest& request, HandlerContext& context) {
  auto body = JsonRequest::parse(request, {"name", "selection", "grouping", "language", "control_fraction", "seed"},
                                 kCreateLimits);
  if (!body.ok()) return body.problem();
  campaigns::CampaignRequest wanted;
  const auto name = body.text("name", Need::required, kMaxName);
  if (name && name->empty()) body.invalid("name", fmt::format("1 to {} characters", kMaxName));
  const auto* selection = body.object("selection", Need::required);
  if (selection != nullptr) {
    auto read = CampaignSelection::read(*selection);
    for (auto& bad : read.invalid) body.invalid(std::move(bad.name), std::move(bad.reason));
    wanted.selection = std::move(read.filter);
    wanted.selection_json = boost::json::serialize(*selection);
  }
  if (const auto grouping = body.text("grouping", Need::optional, 32)) {
    if (auto parsed = db::parse_grouping(*grouping)) {
      wanted.grouping = *parsed;
    } else {
      body.invalid("grouping", "not one of abuse-contact, org, national-cert");
    }
  }
  if (const auto language = body.text("language", Need::optional, kMaxLanguage)) {
    const auto known = service->languages();
    if (std::find(known.begin(), known.end(), *language) == known.end()) {
      body.invalid("language", fmt::format("no letters in {:?}; there are: {}", *language, fmt::join(known, ", ")));
    }
    wanted.language = *language;
  }
  wanted.control_fraction = body.number("control_fraction", Need::optional, 0, 0.5).value_or(0);
  wanted.seed = body.unsigned_integer("seed", Need::optional);
  if (!body.ok()) return body.problem();
  wanted.name = *name;

  auto session = context.database();
  if (!session) return JsonBody::error(session.error());
  const campaigns::Creator creator{request.principal->key_id, request.principal->key_name};
  auto created = service->create(**session, wanted, FilterParams::scope(request), creator);
  if (!created) return service_error(created.error());
  ApiResponse response = JsonBody::ok(campaigns::to_json(*created));
  response.status = 201;
  response.headers.emplace_back("Location", fmt::format("/v1/campaigns/{}", created->summary.id));
  return response;
}

ApiResponse list_campaigns(const ApiRequest& request, HandlerContext& context) {
  auto session = context.database();
  if (!session) return JsonBody::error(session.error());
  db::CampaignStore store(**session);
  auto campaigns = store.list(is_analyst(request) ? std::optional(request.principal->key_id) : std::nullopt);
  if (!campaigns) return JsonBody::error(campaigns.error());
  boost::json::array items;
  for (const auto& campaign : *campaigns) items.push_back(campaigns::to_json(campaign));
  return JsonBody::ok(boost::json::object{{"items", std::move(items)}});
}

ApiResponse get(const ApiRequest& request, HandlerContext& context) {
  return with_campaign(request, context, [](db::Session&, db::CampaignStore&, const db::CampaignSummary& campaign) {
    return JsonBody::ok(campaigns::to_json(campaign));
  });
}

ApiResponse recipients(const ApiRequest& request, HandlerContext& context) {
  return with_campaign(request, context,
                       [](db::Session&, db::CampaignStore& store, const db::CampaignSummary& campaign) {
                         auto found = store.recipients(campaign.id);
                         if (!found) return JsonBody::error(found.error());
                         boost::json::array items;
                         for (const auto& recipient : *found) items.push_back(campaigns::to_json(recipient));
                         return JsonBody::ok(boost::json::object{{"items", std::move(items)}});
                       });
}

ApiResponse letters(const ApiRequest& request, HandlerContext& context) {
  return with_campaign(request, context,
                       [](db::Session&, db::CampaignStore& store, const db::CampaignSummary& campaign) {
                         auto found = store.letters(campaign.id);
                         if (!found) return JsonBody::error(found.error());
                         boost::json::array items;
                         for (const auto& letter : *found) items.push_back(campaigns::to_json(letter));
                         return JsonBody::ok(boost::json::object{{"items", std::move(items)}});
                       });
}

ApiResponse letter(const ApiRequest& request, HandlerContext& context) {
  return with_campaign(request, context,
                       [&](db::Session&, db::CampaignStore& store, const db::CampaignSummary& campaign) {
                         const auto rid = id_of(request.path.at("rid"));
                         if (!rid) return JsonBody::not_found("no such letter");
                         auto found = store.letter(campaign.id, *rid);
                         if (!found) return JsonBody::error(found.error());
                         if (!*found) return JsonBody::not_found("no such letter");
                         return JsonBody::ok(campaigns::to_json(**found));
                       });
}

ApiResponse letter_eml(const ApiRequest& request, HandlerContext& context) {
  return with_campaign(request, context,
                       [&](db::Session&, db::CampaignStore& store, const db::CampaignSummary& campaign) {
                         const auto rid = id_of(request.path.at("rid"));
                         if (!rid) return JsonBody::not_found("no such letter");
                         auto eml = store.letter_eml(campaign.id, *rid);
                         if (!eml) return JsonBody::error(eml.error());
                         if (!*eml) return JsonBody::not_found("no such letter");
                         ApiResponse response;
                         response.content_type = "message/rfc822";
                         response.headers.emplace_back(
                             "Content-Disposition",
                             fmt::format("attachment; filename=\"campaign-{}-letter-{}.eml\"", campaign.id, *rid));
                         response.body = std::move(**eml);
                         return response;
                       });
}

ApiResponse acknowledge(const ApiRequest& request, HandlerContext& context) {
  return with_campaign(request, context,
                       [&](db::Session&, db::CampaignStore& store, const db::CampaignSummary& campaign) {
                         const auto rid = id_of(request.path.at("rid"));
                         if (!rid) return JsonBody::not_found("no such letter");
                         auto acknowledged = store.acknowledge(campaign.id, *rid);
                         if (!acknowledged) {
                           if (acknowledged.error().kind == Error::Kind::invalid_input) {
                             return problem(409, "Conflict", acknowledged.error().message);
                           }
                           return JsonBody::error(acknowledged.error());
                         }
                         if (!*acknowledged) return JsonBody::not_found("no such letter");
                         return JsonBody::ok(campaigns::to_json(**acknowledged));
                       });
}

ApiResponse remediation(const Service& service, const ApiRequest& request, HandlerContext& context) {
  return with_campaign(request, context,
                       [&](db::Session& session, db::CampaignStore&, const db::CampaignSummary& campaign) {
                         auto figures = service->remediation(session, campaign.id);
                         if (!figures) return JsonBody::error(figures.error());
                         return JsonBody::ok(campaigns::to_json(*figures));
                       });
}

ApiResponse ack_form(const ApiRequest& request, HandlerContext&) {
  const auto& token = request.path.at("token");
  if (!LinkPage::valid_token(token)) return LinkPage::page(404, "Unknown link", "This link is not valid.");
  return LinkPage::form("Acknowledge this notification",
                        "Press the button to tell the sender that you received the notification and are acting on it.",
                        fmt::format("/v1/ack/{}", token), "Acknowledge");
}

ApiResponse ack_by_token(const ApiRequest& request, HandlerContext& context) {
  const bool form = LinkPage::from_form(request);
  const auto& token = request.path.at("token");
  const auto unknown = [&] {
    return form ? LinkPage::page(404, "Unknown link", "This link is not valid.")
                : JsonBody::not_found("no letter has this token");
  };
  if (!LinkPage::valid_token(token)) return unknown();
  auto session = context.database();
  if (!session) return JsonBody::error(session.error());
  db::CampaignStore store(**session);
  auto acknowledged = store.acknowledge_by_token(token);
  if (!acknowledged) {
    if (acknowledged.error().kind != Error::Kind::invalid_input) return JsonBody::error(acknowledged.error());
    return form ? LinkPage::page(409, "Not yet", "This notification has not been sent yet.")
                : problem(409, "Conflict", acknowledged.error().message);
  }
  if (!*acknowledged) return unknown();
  if (form) return LinkPage::page(200, "Thank you", "Your acknowledgement has been recorded.");
  const auto& mail = (*acknowledged)->mail;
  return JsonBody::ok(boost::json::object{{"state", db::to_string(mail.state)},
                                          {"acknowledged_at", JsonBody::optional_time(mail.acknowledged_at)}});
}

}  // namespace

void register_campaign_routes(RouteRegistry& registry, Service service) {
  registry.add(
      {"POST",
       "/v1/campaigns",
       "campaigns.create",
       Access::not_researcher,
       {},
       [service](const ApiRequest& request, HandlerContext& context) { return create(service, request, context); }});
  registry.add({"GET", "/v1/campaigns", "campaigns.list", Access::not_researcher, {}, list_campaigns});
  registry.add({"GET", "/v1/campaigns/{id}", "campaigns.get", Access::not_researcher, {}, get});
  registry.add(
      {"GET", "/v1/campaigns/{id}/recipients", "campaigns.recipients", Access::not_researcher, {}, recipients});
  registry.add({"GET", "/v1/campaigns/{id}/letters", "campaigns.letters", Access::not_researcher, {}, letters});
  registry.add({"GET", "/v1/campaigns/{id}/letters/{rid}", "campaigns.letter", Access::not_researcher, {}, letter});
  registry.add(
      {"GET", "/v1/campaigns/{id}/letters/{rid}.eml", "campaigns.letter_eml", Access::not_researcher, {}, letter_eml});
  registry.add({"POST",
                "/v1/campaigns/{id}/letters/{rid}/ack",
                "campaigns.letter_ack",
                Access::not_researcher,
                {},
                acknowledge});
  registry.add({"GET",
                "/v1/campaigns/{id}/remediation",
                "campaigns.remediation",
                Access::not_researcher,
                {},
                [service](const ApiRequest& request, HandlerContext& context) {
                  return remediation(service, request, context);
                }});
  registry.add({"GET", "/v1/ack/{token}", "ack.form", Access::open, {}, ack_form});
  registry.add({"POST", "/v1/ack/{token}", "ack.post", Access::open, {}, ack_by_token});
}

}  // namespace fumidai::api
