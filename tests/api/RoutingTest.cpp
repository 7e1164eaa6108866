// RequestTarget, RouteRegistry and ParamValidator: what the server does with
// a request target before any handler sees it.
#include <gtest/gtest.h>

#include "fumidai/api/RouteRegistry.h"
#include "fumidai/api/routing/ParamValidator.h"
#include "fumidai/api/routing/RequestTarget.h"
#include "fumidai/core/Utf8.h"

namespace fumidai::api {
namespace {

Result<RequestTarget> parse(std::string_view target) { return RequestTarget::parse(target, 8192, 64); }

std::string error_of(std::string_view target) {
  auto parsed = parse(target);
  return parsed ? std::string("(parsed)") : parsed.error().message;
}

TEST(Utf8Test, AcceptsShortestFormScalarsOnly) {
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("k\xc3\xb6ln \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));          // cut short
  EXPECT_EQ(utf8_sequence_length(""), 0u);
}

TEST(RequestTargetTest, SplitsAndDecodesPathAndQuery) {
  auto target = parse("/v1/hosts/2001%3Adb8%3A%3A1?port=443&q=a+b%20c&port=80&&flag");
  ASSERT_TRUE(target) << target.error().message;
  EXPECT_EQ(target->path, "/v1/hosts/2001:db8::1");
  EXPECT_EQ(target->segments, (std::vector<std::string>{"v1", "hosts", "2001:db8::1"}));
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(target->query, (Pairs{{"port", "443"}, {"q", "a b c"}, {"port", "80"}, {"flag", ""}}));
  auto root = parse("/");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->path, "/");
  EXPECT_TRUE(root->segments.empty());
}

TEST(RequestTargetTest, RejectsBadEscapesControlsAndInvalidUtf8) {
  EXPECT_NE(error_of("/a%2").find("bad percent escape"), std::string::npos);
  EXPECT_NE(error_of("/a%zz").find("bad percent escape"), std::string::npos);
  EXPECT_NE(error_of("/a?x=%00").find("control character"), std::string::npos);
  EXPECT_NE(error_of("/a%0a").find("control character"), std::string::npos);
  EXPECT_NE(error_of("/a?x=%ff").find("not valid UTF-8"), std::string::npos);
  EXPECT_NE(error_of("/caf\xc3").find("not valid UTF-8"), std::string::npos);
  EXPECT_NE(error_of("/a b").find("must be escaped"), std::string::npos);
  EXPECT_NE(error_of("http://example.com/").find("starting with '/'"), std::string::npos);
  EXPECT_NE(error_of("").find("starting with '/'"), std::string::npos);
}

TEST(RequestTargetTest, RejectsTraversalAndEmptySegments) {
  EXPECT_NE(error_of("/v1/../keys").find("\"..\" segment"), std::string::npos);
  EXPECT_NE(error_of("/v1/%2e%2E/keys").find("\"..\" segment"), std::string::npos);
  EXPECT_NE(error_of("/v1/./keys").find("\".\" segment"), std::string::npos);
  EXPECT_NE(error_of("/v1//keys").find("empty segment"), std::string::npos);
  EXPECT_NE(error_of("/v1/keys/").find("empty segment"), std::string::npos);
  EXPECT_NE(error_of("/v1/a%2fb").find("encodes a '/'"), std::string::npos);
}

TEST(RequestTargetTest, BoundsLengthAndParameterCount) {
  std::string many = "/x?";
  for (int i = 0; i < 65; ++i) many += "a=1&";
  EXPECT_NE(error_of(many).find("more than 64 query parameters"), std::string::npos);
  many.resize(many.size() - 4);
  EXPECT_TRUE(parse(many));
  EXPECT_NE(error_of("/" + std::string(8192, 'a')).find("longer than 8192 bytes"), std::string::npos);
  EXPECT_NE(error_of("/x?=1").find("has no name"), std::string::npos);
}

RouteSpec route(std::string method, std::string pattern, std::string name) {
  RouteSpec spec;
  spec.method = std::move(method);
  spec.pattern = std::move(pattern);
  spec.name = std::move(name);
  spec.handler = [](const ApiRequest&, HandlerContext&) { return ApiResponse(); };
  return spec;
}

TEST(RouteRegistryTest, CapturesSegmentsAndPrefersLiterals) {
  RouteRegistry routes;
  routes.add(route("GET", "/v1/hosts/{ip}", "hosts.get"));
  routes.add(route("GET", "/v1/hosts/summary", "hosts.summary"));
  routes.add(route("GET", "/v1/hosts/{ip}/services/{port}", "services.get"));
  auto found = routes.find("GET", "/v1/hosts/192.0.2.1");
  ASSERT_TRUE(found.match);
  EXPECT_EQ(found.match->route->name, "hosts.get");
  EXPECT_EQ(found.match->path.at("ip"), "192.0.2.1");
  EXPECT_EQ(routes.find("GET", "/v1/hosts/summary").match->route->name, "hosts.summary");
  auto nested = routes.find("GET", "/v1/hosts/2001:db8::1/services/443");
  ASSERT_TRUE(nested.match);
  EXPECT_EQ(nested.match->path.at("ip"), "2001:db8::1");
  EXPECT_EQ(nested.match->path.at("port"), "443");
  EXPECT_FALSE(routes.find("GET", "/v1/hosts").match);
  EXPECT_FALSE(routes.find("GET", "/").match);
}

TEST(RouteRegistryTest, ACaptureWithALiteralSuffixBeatsABareOne) {
  RouteRegistry routes;
  routes.add(route("GET", "/v1/campaigns/{id}/letters/{rid}", "letters.get"));
  routes.add(route("GET", "/v1/campaigns/{id}/letters/{rid}.eml", "letters.eml"));
  auto eml = routes.find("GET", "/v1/campaigns/7/letters/3.eml");
  ASSERT_TRUE(eml.match);
  EXPECT_EQ(eml.match->route->name, "letters.eml");
  EXPECT_EQ(eml.match->path.at("id"), "7");
  EXPECT_EQ(eml.match->path.at("rid"), "3");
  auto json = routes.find("GET", "/v1/campaigns/7/letters/3");
  ASSERT_TRUE(json.match);
  EXPECT_EQ(json.match->route->name, "letters.get");
  EXPECT_EQ(json.match->path.at("rid"), "3");
  // The suffix alone captures nothing: that is the bare route's "rid".
  EXPECT_EQ(routes.find("GET", "/v1/campaigns/7/letters/.eml").match->route->name, "letters.get");
  EXPECT_EQ(routes.find("GET", "/v1/campaigns/7/letters/3.emlx").match->route->name, "letters.get");
  RouteRegistry only_suffixed;
  only_suffixed.add(route("GET", "/v1/files/{name}.csv", "files.csv"));
  EXPECT_FALSE(only_suffixed.find("GET", "/v1/files/report.txt").match);
  EXPECT_FALSE(only_suffixed.find("GET", "/v1/files/.csv").match);
  EXPECT_EQ(only_suffixed.find("GET", "/v1/files/a.b.csv").match->path.at("name"), "a.b");
}

TEST(RouteRegistryTest, OtherMethodsOnAPathAreTheAllowList) {
  RouteRegistry routes;
  routes.add(route("GET", "/v1/keys", "keys.list"));
  routes.add(route("POST", "/v1/keys", "keys.create"));
  routes.add(route("DELETE", "/v1/keys/{id}", "keys.revoke"));
  auto lookup = routes.find("PUT", "/v1/keys");
  EXPECT_FALSE(lookup.match);
  EXPECT_EQ(lookup.allowed_methods, (std::vector<std::string>{"GET", "POST"}));
  EXPECT_TRUE(routes.find("GET", "/v1/nothing").allowed_methods.empty());
  EXPECT_TRUE(routes.find("GET", "/v1/keys").allowed_methods.empty());
}

TEST(RouteRegistryDeathTest, DuplicateRouteAborts) {
  RouteRegistry routes;
  routes.add(route("GET", "/v1/keys", "keys.list"));
  EXPECT_DEATH(routes.add(route("GET", "/v1/keys", "again")), "registered twice");
}

ParamSpec param(std::string name, ParamType type) {
  ParamSpec spec;
  spec.name = std::move(name);
  spec.type = type;
  return spec;
}

std::string normalised(ParamType type, std::string_view value) {
  auto result = ParamValidator::normalise(param("x", type), value);
  return result ? *result : "error: " + result.error().message;
}

TEST(ParamValidatorTest, NormalisesEachType) {
  EXPECT_EQ(normalised(ParamType::asn, "AS64496"), "64496");
  EXPECT_EQ(normalised(ParamType::asn, "as064496"), "64496");
  EXPECT_EQ(normalised(ParamType::asn, "4294967295"), "4294967295");
  EXPECT_EQ(normalised(ParamType::ip, "2001:DB8:0::1"), "2001:db8::1");
  EXPECT_EQ(normalised(ParamType::ip, "192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(normalised(ParamType::cidr, "192.0.2.0/24"), "192.0.2.0/24");
  EXPECT_EQ(normalised(ParamType::cidr, "2001:DB8::/32"), "2001:db8::/32");
  EXPECT_EQ(normalised(ParamType::country, "de"), "DE");
  EXPECT_EQ(normalised(ParamType::timestamp, "2024-02-29"), "2024-02-29T00:00:00Z");
  EXPECT_EQ(normalised(ParamType::timestamp, "2024-03-01T01:30:00+02:00"), "2024-02-29T23:30:00Z");
  EXPECT_EQ(normalised(ParamType::timestamp, "2024-03-01t01:30:00.250z"), "2024-03-01T01:30:00.25Z");
  EXPECT_EQ(normalised(ParamType::integer, "-007"), "-7");
  EXPECT_EQ(normalised(ParamType::string, "k\xc3\xb6ln"), "k\xc3\xb6ln");
}

TEST(ParamValidatorTest, RejectsMalformedValuesWithAReason) {
  EXPECT_EQ(normalised(ParamType::asn, "0"), "error: not an AS number (1 to 4294967295, optionally prefixed AS)");
  EXPECT_NE(normalised(ParamType::asn, "4294967296").find("error"), std::string::npos);
  EXPECT_NE(normalised(ParamType::asn, "AS").find("error"), std::string::npos);
  EXPECT_NE(normalised(ParamType::ip, "192.0.2.256").find("error"), std::string::npos);
  EXPECT_NE(normalised(ParamType::ip, "fe80::1%eth0").find("error"), std::string::npos);
  EXPECT_EQ(normalised(ParamType::cidr, "192.0.2.1/24"), "error: host bits set (the network is 192.0.2.0/24)");
  EXPECT_NE(normalised(ParamType::cidr, "192.0.2.0/33").find("error"), std::string::npos);
  EXPECT_NE(normalised(ParamType::cidr, "2001:db8::1/32").find("host bits set"), std::string::npos);
  EXPECT_NE(normalised(ParamType::country, "DEU").find("error"), std::string::npos);
  EXPECT_NE(normalised(ParamType::timestamp, "2023-02-29").find("error"), std::string::npos);
  EXPECT_NE(normalised(ParamType::timestamp, "2024-01-01T25:00:00Z").find("error"), std::string::npos);
  EXPECT_NE(normalised(ParamType::timestamp, "2024-01-01T10:00:00").find("error"), std::string::npos);
  EXPECT_NE(normalised(ParamType::integer, "+1").find("error"), std::string::npos);
  EXPECT_NE(normalised(ParamType::integer, "99999999999999999999").find("error"), std::string::npos);
  ParamSpec limited = param("limit", ParamType::integer);
  limited.min = 1;
  limited.max = 1000;
  EXPECT_EQ(ParamValidator::normalise(limited, "1001").error().message, "not an integer from 1 to 1000");
  ParamSpec choice = param("sort", ParamType::choice);
  choice.choices = {"asc", "desc"};
  EXPECT_EQ(ParamValidator::normalise(choice, "up").error().message, "not one of asc, desc");
  ParamSpec short_text = param("q", ParamType::string);
  short_text.max_length = 3;
  EXPECT_EQ(ParamValidator::normalise(short_text, "abcd").error().message, "longer than 3 bytes");
}

TEST(ParamValidatorTest, ReportsEveryBadParameterAtOnce) {
  std::vector<ParamSpec> specs = {param("asn", ParamType::asn), param("prefix", ParamType::cidr),
                                  param("country", ParamType::country)};
  specs[0].repeated = true;
  auto outcome = ParamValidator::validate(specs, {{"asn", "AS1"},
                                                  {"asn", "x"},
                                                  {"prefix", "10.0.0.1/8"},
                                                  {"colour", "red"},
                                                  {"country", "de"},
                                                  {"country", "fr"}});
  ASSERT_EQ(outcome.invalid.size(), 4u);
  EXPECT_EQ(outcome.invalid[0].name, "asn");
  EXPECT_EQ(outcome.invalid[1].name, "prefix");
  EXPECT_EQ(outcome.invalid[2].name, "colour");
  EXPECT_EQ(outcome.invalid[2].reason, "unknown parameter");
  EXPECT_EQ(outcome.invalid[3].name, "country");
  EXPECT_EQ(outcome.invalid[3].reason, "given more than once");
  EXPECT_TRUE(outcome.values.empty());

  auto good = ParamValidator::validate(specs, {{"asn", "AS1"}, {"asn", "2"}, {"country", "nl"}});
  EXPECT_TRUE(good.invalid.empty());
  EXPECT_EQ(good.values["asn"], (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(good.values["country"], (std::vector<std::string>{"NL"}));
}

}  // namespace
}  // namespace fumidai::api
