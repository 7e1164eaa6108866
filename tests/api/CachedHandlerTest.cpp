#include <gtest/gtest.h>

#include <chrono>

#include "fumidai/api/cache/CachedHandler.h"
#include "fumidai/core/ManualClock.h"

namespace fumidai::api {
namespace {

using namespace std::chrono_literals;

class NoDatabase final : public HandlerContext {
 public:
  Result<db::PooledSession> database() override { return make_error("no database in this test"); }
  Clock& clock() override { return clock_; }

 private:
  ManualClock clock_;
};

Principal analyst(std::vector<std::int64_t> asns) {
  Principal who;
  who.key_id = 7;
  who.role = Role::analyst;
  who.constituency.asns = std::move(asns);
  return who;
}

ApiRequest request(std::optional<Principal> who, std::map<std::string, std::vector<std::string>> query = {}) {
  ApiRequest r;
  r.method = "GET";
  r.query = std::move(query);
  r.principal = std::move(who);
  return r;
}

class CachedHandlerTest : public ::testing::Test {
 protected:
  // Answers with the number of calls so far, so a cached answer shows.
  Handler counting(unsigned status = 200) {
    return [this, status](const ApiRequest&, HandlerContext&) {
      ApiResponse response;
      response.status = status;
      response.body = std::to_string(++calls);
      return response;
    };
  }
  ManualClock clock;
  ResponseCache cache{clock, 5s, 1 << 20};
  NoDatabase context;
  int calls = 0;
};

TEST_F(CachedHandlerTest, AnswersARepeatFromTheCacheUntilTheTtl) {
  const Handler handler = cached_handler("stats.by_isp", counting(), cache);
  EXPECT_EQ(handler(request(analyst({64496})), context).body, "1");
  EXPECT_EQ(handler(request(analyst({64496})), context).body, "1");
  clock.advance(5s);
  EXPECT_EQ(handler(request(analyst({64496})), context).body, "2");
}

TEST_F(CachedHandlerTest, NeverAnswersOneConstituencyWithAnothersCounts) {
  const Handler handler = cached_handler("stats.by_isp", counting(), cache);
  EXPECT_EQ(handler(request(analyst({64496})), context).body, "1");
  EXPECT_EQ(handler(request(analyst({64498})), context).body, "2");
  EXPECT_EQ(handler(request(analyst({64496, 64498})), context).body, "3");
  Principal by_country = analyst({});
  by_country.constituency.countries = {"JP"};
  EXPECT_EQ(handler(request(by_country), context).body, "4");
  Principal admin;
  admin.role = Role::admin;
  EXPECT_EQ(handler(request(admin), context).body, "5");
  EXPECT_EQ(handler(request(analyst({64496})), context).body, "1");
}

TEST_F(CachedHandlerTest, KeysOnEveryParameterAndValue) {
  const Handler handler = cached_handler("stats.by_isp", counting(), cache);
  EXPECT_EQ(handler(request(analyst({1}), {{"by", {"label"}}}), context).body, "1");
  EXPECT_EQ(handler(request(analyst({1}), {{"by", {"category"}}}), context).body, "2");
  EXPECT_EQ(handler(request(analyst({1}), {{"asn", {"1", "2"}}}), context).body, "3");
  EXPECT_EQ(handler(request(analyst({1}), {{"asn", {"12"}}}), context).body, "4");
  EXPECT_EQ(handler(request(analyst({1}), {{"asn", {"1", "2"}}}), context).body, "3");
  // Another route with the same query is another answer.
  const Handler other = cached_handler("stats.by_product", counting(), cache);
  EXPECT_EQ(other(request(analyst({1}), {{"by", {"label"}}}), context).body, "5");
}

TEST_F(CachedHandlerTest, ValuesCannotImitateTheKeysSeparators) {
  EXPECT_NE(response_cache_key("r", request(std::nullopt, {{"a", {"1:b"}}})),
            response_cache_key("r", request(std::nullopt, {{"a", {"1"}}, {"b", {""}}})));
}

TEST_F(CachedHandlerTest, KeepsOnlyWholeSuccessfulAnswers) {
  const Handler failing = cached_handler("stats.by_isp", counting(503), cache);
  EXPECT_EQ(failing(request(analyst({1})), context).body, "1");
  EXPECT_EQ(failing(request(analyst({1})), context).body, "2");
  EXPECT_EQ(cache.statistics().entries, 0u);
}

}  // namespace
}  // namespace fumidai::api
