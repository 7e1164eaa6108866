#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "fumidai/api/ApiResponse.h"

namespace fumidai::api {
namespace {

TEST(ProblemTest, IsAnRfc9457DocumentNamingEachBadParameter) {
  const ApiResponse response =
      problem(400, "Bad Request", "2 parameters are invalid", {{"prefix", "not a CIDR"}, {"limit", "above 1000"}});
  EXPECT_EQ(response.status, 400u);
  EXPECT_EQ(response.content_type, "application/problem+json");
  const auto document = boost::json::parse(response.body).as_object();
  EXPECT_EQ(document.at("type"), "about:blank");
  EXPECT_EQ(document.at("title"), "Bad Request");
  EXPECT_EQ(document.at("status"), 400);
  EXPECT_EQ(document.at("detail"), "2 parameters are invalid");
  const auto& params = document.at("invalid_params").as_array();
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0].at("name"), "prefix");
  EXPECT_EQ(params[1].at("reason"), "above 1000");
}

TEST(ProblemTest, LeavesOutWhatIsNotGiven) {
  const auto document = boost::json::parse(problem(404, "Not Found").body).as_object();
  EXPECT_FALSE(document.contains("detail"));
  EXPECT_FALSE(document.contains("invalid_params"));
}

}  // namespace
}  // namespace fumidai::api
