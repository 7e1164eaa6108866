// What the campaign and opt-out routes check before they touch the database:
// JSON bodies (JsonRequest), selections read as /v1/exposures' query
// (CampaignSelection), the link pages (LinkPage), and every refusal a bad
// body earns. No database here: a handler that got as far as asking for one
// would answer 503, so a 4xx proves the check came first.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "ServerTestSupport.h"
#include "fumidai/api/RouteRegistry.h"
#include "fumidai/api/handlers/CampaignRoutes.h"
#include "fumidai/api/handlers/CampaignSelection.h"
#include "fumidai/api/handlers/JsonRequest.h"
#include "fumidai/api/handlers/LinkPage.h"
#include "fumidai/api/handlers/OptoutRoutes.h"
#include "fumidai/campaigns/CampaignService.h"
#include "fumidai/core/ManualClock.h"

namespace fumidai::api {
namespace {

using Need = JsonRequest::Need;

std::string repeat(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

ApiRequest json_request(std::string body, std::string content_type = "application/json") {
  ApiRequest request;
  request.method = "POST";
  request.body = std::move(body);
  request.content_type = std::move(content_type);
  return request;
}

boost::json::object problem_of(const ApiResponse& response) {
  EXPECT_EQ(response.content_type, "application/problem+json");
  return boost::json::parse(response.body).as_object();
}

// The invalid_params names of a problem document.
std::set<std::string> invalid_names(const ApiResponse& response) {
  std::set<std::string> names;
  const auto document = problem_of(response);
  if (const auto* params = document.if_contains("invalid_params")) {
    for (const auto& p : params->as_array()) names.insert(std::string(p.at("name").as_string()));
  }
  return names;
}

TEST(JsonRequestTest, AcceptsOnlyApplicationJson) {
  EXPECT_TRUE(JsonRequest::is_json_media_type("application/json"));
  EXPECT_TRUE(JsonRequest::is_json_media_type("Application/JSON; charset=utf-8"));
  EXPECT_TRUE(JsonRequest::is_json_media_type(" application/json ;charset=UTF-8"));
  EXPECT_FALSE(JsonRequest::is_json_media_type(""));
  EXPECT_FALSE(JsonRequest::is_json_media_type("text/plain"));
  EXPECT_FALSE(JsonRequest::is_json_media_type("application/jsonx"));
  EXPECT_FALSE(JsonRequest::is_json_media_type("application/x-www-form-urlencoded"));
  for (const char* type : {"", "text/plain", "application/x-www-form-urlencoded"}) {
    auto body = JsonRequest::parse(json_request("{}", type), {}, {});
    ASSERT_FALSE(body.ok()) << type;
    EXPECT_EQ(body.problem().status, 415u) << type;
  }
}

TEST(JsonRequestTest, ParseErrorsNameWhereTheBodyBroke) {
  auto body = JsonRequest::parse(json_request("{\n  \"name\": ,\n}"), {"name"}, {});
  ASSERT_FALSE(body.ok());
  const auto response = body.problem();
  EXPECT_EQ(response.status, 400u);
  const std::string detail(problem_of(response).at("detail").as_string());
  EXPECT_NE(detail.find("line 2, column 11"), std::string::npos) << detail;
  EXPECT_NE(detail.find("byte 12"), std::string::npos) << detail;
  for (const std::string bad : {"", "{", "{\"a\":1}}", "nul", "{\"a\":\"\xff\"}", "\"text\"", "[1,2]", "null"}) {
    auto parsed = JsonRequest::parse(json_request(bad), {"a"}, {});
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.problem().status, 400u) << bad;
  }
}

TEST(JsonRequestTest, SizeAndDepthAreBounded) {
  auto big = JsonRequest::parse(json_request("{\"a\":\"" + std::string(2000, 'x') + "\"}"), {"a"}, {1024, 8});
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.problem().status, 413u);
  auto deep = JsonRequest::parse(json_request("{\"a\":[[[[[[[[[[1]]]]]]]]]]}"), {"a"}, {1024, 8});
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.problem().status, 400u);
  EXPECT_TRUE(JsonRequest::parse(json_request("{\"a\":[[[1]]]}"), {"a"}, {1024, 8}).ok());
}

TEST(JsonRequestTest, UnknownFieldsAndWrongTypesAreListedTogether) {
  auto body = JsonRequest::parse(
      json_request(R"({"name": 5, "fraction": 0.7, "seed": -1, "extra": 1, "other": {}, "sel": [], "note": "a\nb"})"),
      {"name", "fraction", "seed", "sel", "missing", "note"}, {});
  EXPECT_FALSE(body.ok());
  EXPECT_FALSE(body.text("name", Need::required, 10));
  EXPECT_FALSE(body.number("fraction", Need::required, 0, 0.5));
  EXPECT_FALSE(body.unsigned_integer("seed", Need::optional));
  EXPECT_EQ(body.object("sel", Need::required), nullptr);
  EXPECT_FALSE(body.text("missing", Need::required, 10));
  EXPECT_FALSE(body.text("note", Need::optional, 10));
  EXPECT_FALSE(body.text("absent", Need::optional, 10));  // optional and absent: no complaint
  const auto response = body.problem();
  EXPECT_EQ(response.status, 400u);
  EXPECT_EQ(invalid_names(response),
            (std::set<std::string>{"name", "fraction", "seed", "extra", "other", "sel", "missing", "note"}));
  EXPECT_NE(response.body.find("must be a string, not a number"), std::string::npos) << response.body;
  EXPECT_NE(response.body.find("unknown field"), std::string::npos);
  // A member with an empty name is named too (found by fuzz_json_request).
  auto empty = JsonRequest::parse(json_request(R"({"": 1})"), {"name"}, {});
  EXPECT_EQ(invalid_names(empty.problem()), std::set<std::string>{"(an empty name)"});
}

TEST(JsonRequestTest, GoodValuesComeOut) {
  auto body = JsonRequest::parse(
      json_request(R"({"name": "JP VPN routers", "fraction": 0.25, "seed": 18446744073709551615, "sel": {"a": 1}})"),
      {"name", "fraction", "seed", "sel"}, {});
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body.text("name", Need::required, 200), "JP VPN routers");
  EXPECT_EQ(body.number("fraction", Need::required, 0, 0.5), 0.25);
  EXPECT_EQ(body.unsigned_integer("seed", Need::required), 18446744073709551615ull);
  ASSERT_NE(body.object("sel", Need::required), nullptr);
  EXPECT_TRUE(body.ok());
  auto too_long = JsonRequest::parse(json_request(R"({"name": "abcdef"})"), {"name"}, {});
  EXPECT_FALSE(too_long.text("name", Need::required, 5));
  EXPECT_FALSE(too_long.ok());
}

TEST(CampaignSelectionTest, ReadsTheExposureFiltersValuesOrArrays) {
  const auto selection =
      boost::json::parse(R"({"label": ["vpn-on-consumer-router"], "country": "jp", "asn": [64496, "AS64497"],
                             "port": 1723, "prefix": "198.19.0.0/24", "since": "2026-04-01"})")
          .as_object();
  auto read = CampaignSelection::read(selection);
  ASSERT_TRUE(read.invalid.empty()) << read.invalid.front().name << ": " << read.invalid.front().reason;
  EXPECT_EQ(read.filter.labels, (std::vector<std::string>{"vpn-on-consumer-router"}));
  EXPECT_EQ(read.filter.countries, (std::vector<std::string>{"JP"}));
  EXPECT_EQ(read.filter.asns, (std::vector<std::int64_t>{64496, 64497}));
  EXPECT_EQ(read.filter.ports, (std::vector<std::int64_t>{1723}));
  EXPECT_EQ(read.filter.prefixes, (std::vector<std::string>{"198.19.0.0/24"}));
  ASSERT_TRUE(read.filter.since);
  EXPECT_EQ(*read.filter.since, "2026-04-01T00:00:00Z");
}

TEST(CampaignSelectionTest, BadValuesAreNamedLikeQueryParameters) {
  struct Case {
    const char* json;
    const char* name;
  };
  for (const auto& c : std::vector<Case>{{R"({})", "selection"},
                                         {R"({"country": "JPN"})", "selection.country"},
                                         {R"({"colour": "red"})", "selection.colour"},
                                         {R"({"port": 70000})", "selection.port"},
                                         {R"({"port": 1.5})", "selection.port"},
                                         {R"({"asn": true})", "selection.asn"},
                                         {R"({"label": [null]})", "selection.label"},
                                         {R"({"label": [["x"]]})", "selection.label"},
                                         {R"({"label": []})", "selection.label"},
                                         {R"({"scan": [1, 2]})", "selection.scan"},
                                         {R"({"prefix": "198.19.0.1/24"})", "selection.prefix"},
                                         {R"({"until": "yesterday"})", "selection.until"}}) {
    auto read = CampaignSelection::read(boost::json::parse(c.json).as_object());
    ASSERT_FALSE(read.invalid.empty()) << c.json;
    EXPECT_EQ(read.invalid.front().name, c.name) << c.json;
  }
  boost::json::array many;
  for (int i = 0; i < 65; ++i) many.emplace_back(64496 + i);
  auto read = CampaignSelection::read(boost::json::object{{"asn", many}});
  ASSERT_FALSE(read.invalid.empty());
  EXPECT_EQ(read.invalid.front().name, "selection");
}

TEST(LinkPageTest, TokensPagesAndEscaping) {
  EXPECT_TRUE(LinkPage::valid_token("AbC_-09"));
  EXPECT_FALSE(LinkPage::valid_token(""));
  EXPECT_FALSE(LinkPage::valid_token("a.b"));
  EXPECT_FALSE(LinkPage::valid_token("<script>"));
  EXPECT_FALSE(LinkPage::valid_token(std::string(129, 'a')));
  EXPECT_EQ(LinkPage::escape(R"(<a href="x">'&'</a>)"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  const auto form = LinkPage::form("T<", "x", "/v1/ack/abc", "Go");
  EXPECT_EQ(form.status, 200u);
  EXPECT_EQ(form.content_type, "text/html; charset=utf-8");
  EXPECT_NE(form.body.find(R"(<form method="post" action="/v1/ack/abc">)"), std::string::npos) << form.body;
  EXPECT_NE(form.body.find("T&lt;"), std::string::npos);
  EXPECT_EQ(form.body.find("<script"), std::string::npos);
  ApiRequest request;
  request.content_type = "application/x-www-form-urlencoded";
  EXPECT_TRUE(LinkPage::from_form(request));
  request.content_type = "application/json";
  EXPECT_FALSE(LinkPage::from_form(request));
}

// The routes themselves, called as the dispatcher would, with no database.
class CampaignRoutesTest : public ::testing::Test {
 protected:
  CampaignRoutesTest() {
    auto service = campaigns::CampaignService::load({}, clock).value();
    register_campaign_routes(routes, service);
    register_optout_routes(routes, service);
  }

  ApiResponse call(const std::string& method, const std::string& path, std::string body = {},
                   std::string content_type = "application/json") {
    const auto lookup = routes.find(method, path);
    EXPECT_TRUE(lookup.match) << method << " " << path;
    if (!lookup.match) return {};
    ApiRequest request;
    request.method = method;
    request.target = path;
    request.path = lookup.match->path;
    request.body = std::move(body);
    request.content_type = std::move(content_type);
    request.principal = Principal{1, "admin", Role::admin, {}, {}};
    return lookup.match->route->handler(request, context);
  }

  ApiResponse create(const std::string& body, std::string content_type = "application/json") {
    return call("POST", "/v1/campaigns", body, std::move(content_type));
  }

  ManualClock clock;
  RouteRegistry routes;
  testing::NoDatabaseContext context;
};

TEST_F(CampaignRoutesTest, BadCampaignBodiesAreRefusedBeforeTheDatabase) {
  const std::string good_selection = R"("selection": {"label": "vpn-on-consumer-router", "country": "JP"})";
  EXPECT_EQ(create("{\"name\":\"x\"," + good_selection + "}", "text/plain").status, 415u);
  EXPECT_EQ(create("{\"name\":\"x\",").status, 400u);
  struct Case {
    std::string body;
    std::set<std::string> named;
  };
  for (const auto& c : std::vector<Case>{
           {"{\"name\":\"x\"," + good_selection + ",\"colour\":\"red\"}", {"colour"}},
           {R"({"name":"x","selection":{"country":"Japan"}})", {"selection.country"}},
           {"{\"name\":\"x\"," + good_selection + ",\"control_fraction\":0.7}", {"control_fraction"}},
           {"{\"name\":\"x\"," + good_selection + ",\"control_fraction\":\"0.1\"}", {"control_fraction"}},
           {"{\"name\":\"x\"," + good_selection + ",\"grouping\":\"by-isp\"}", {"grouping"}},
           {"{\"name\":\"x\"," + good_selection + ",\"language\":\"xx\"}", {"language"}},
           {"{\"name\":\"x\"," + good_selection + ",\"seed\":-4}", {"seed"}},
           {"{\"name\":\"\"," + good_selection + "}", {"name"}},
           {"{\"name\":\"" + std::string(201, 'n') + "\"," + good_selection + "}", {"name"}},
           {"{\"name\":\"" + repeat("\xe8\xb8\x8f", 201) + "\"," + good_selection + "}", {"name"}},
           {"{\"name\":\"a\\r\\nBcc: x@example.org\"," + good_selection + "}", {"name"}},
           {R"({"selection":[]})", {"name", "selection"}},
       }) {
    const auto response = create(c.body);
    EXPECT_EQ(response.status, 400u) << c.body << " -> " << response.body;
    EXPECT_EQ(invalid_names(response), c.named) << c.body;
  }
  // A good body gets as far as the database (none here: 503): 200 characters
  // of Japanese are 600 bytes.
  EXPECT_EQ(create("{\"name\":\"" + repeat("\xe8\xb8\x8f", 200) + "\"," + good_selection + "}").status, 503u);
  EXPECT_EQ(create("{\"name\":\"x\"," + good_selection + ",\"control_fraction\":0.5,\"language\":\"ja\"}").status,
            503u);
}

TEST_F(CampaignRoutesTest, PathIdsThatNameNoCampaignAre404s) {
  for (const char* path :
       {"/v1/campaigns/abc", "/v1/campaigns/0", "/v1/campaigns/-1", "/v1/campaigns/007",
        "/v1/campaigns/99999999999999999999", "/v1/campaigns/x/letters/1.eml", "/v1/campaigns/x/remediation"}) {
    EXPECT_EQ(call("GET", path).status, 404u) << path;
  }
}

TEST_F(CampaignRoutesTest, LinkPagesOnlyShowAFormOnGet) {
  const auto ack = call("GET", "/v1/ack/abcDEF_123-x");
  EXPECT_EQ(ack.status, 200u);
  EXPECT_NE(ack.body.find(R"(action="/v1/ack/abcDEF_123-x")"), std::string::npos) << ack.body;
  const auto verify = call("GET", "/v1/optouts/verify/tok123");
  EXPECT_EQ(verify.status, 200u);
  EXPECT_NE(verify.body.find(R"(action="/v1/optouts/verify/tok123")"), std::string::npos) << verify.body;
  EXPECT_EQ(call("GET", "/v1/ack/a.b").status, 404u);
  EXPECT_EQ(call("POST", "/v1/ack/a.b", "", "application/x-www-form-urlencoded").status, 404u);
  EXPECT_EQ(call("POST", "/v1/optouts/verify/%3Cx%3E").status, 404u);
}

TEST_F(CampaignRoutesTest, BadOptoutRequestsAreRefusedBeforeTheDatabase) {
  EXPECT_EQ(
      call("POST", "/v1/optouts", R"({"prefix":"198.19.0.0/24","contact":"a@b","reason":"r"})", "text/plain").status,
      415u);
  struct Case {
    std::string body;
    std::set<std::string> named;
  };
  for (const auto& c : std::vector<Case>{
           {R"({"prefix":"198.19.0.1/24","contact":"noc@example.jp","reason":"r"})", {"prefix"}},
           {R"({"prefix":"everything","contact":"noc@example.jp","reason":"r"})", {"prefix"}},
           {R"({"prefix":"198.19.0.0/24","contact":"not an address","reason":"r"})", {"contact"}},
           {R"({"prefix":"198.19.0.0/24","contact":"a@b\r\nBcc: c@d","reason":"r"})", {"contact"}},
           {R"({"prefix":"198.19.0.0/24"})", {"contact", "reason"}},
           {R"({"prefix":"198.19.0.0/24","contact":"noc@example.jp","reason":""})", {"reason"}},
           {R"({"prefix":"198.19.0.0/24","contact":"noc@example.jp","reason":"r","why":"x"})", {"why"}},
           {R"({"prefix":"198.19.0.0/24","contact":"noc@example.jp","reason":7})", {"reason"}},
       }) {
    const auto response = call("POST", "/v1/optouts", c.body);
    EXPECT_EQ(response.status, 400u) << c.body << " -> " << response.body;
    EXPECT_EQ(invalid_names(response), c.named) << c.body;
  }
  EXPECT_EQ(call("POST", "/v1/optouts", R"({"prefix":"198.19.0.0/24","contact":"noc@example.jp","reason":"r"})").status,
            503u);
}

}  // namespace
}  // namespace fumidai::api
