#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "LabPlan.h"
#include "fumidai/scanner/target/Ipv4.h"

using fumidai::Error;
using fumidai::lab::LabPlan;

namespace {

LabPlan make_plan(LabPlan::Options options) {
  auto parameters = LabPlan::parse(options);
  EXPECT_TRUE(parameters) << parameters.error().message;
  auto plan = LabPlan::sample(*parameters);
  EXPECT_TRUE(plan) << plan.error().message;
  return std::move(*plan);
}

LabPlan::Options with_seed(std::string seed) {
  LabPlan::Options options;
  options.seed = std::move(seed);
  return options;
}

std::string ground_truth(const LabPlan& plan) {
  std::ostringstream out;
  plan.write_ground_truth(out);
  return out.str();
}

std::string nft(const LabPlan& plan) {
  std::ostringstream out;
  plan.write_nft_ruleset(out);
  return out.str();
}

}  // namespace

TEST(LabPlan, SameSeedGivesTheSamePlan) {
  const LabPlan a = make_plan(with_seed("42"));
  const LabPlan b = make_plan(with_seed("42"));
  EXPECT_EQ(ground_truth(a), ground_truth(b));
  EXPECT_EQ(nft(a), nft(b));
}

TEST(LabPlan, DifferentSeedsGiveDifferentPlans) {
  EXPECT_NE(ground_truth(make_plan(with_seed("1"))), ground_truth(make_plan(with_seed("2"))));
}

// Pins the sampling algorithm: the ground truth of a seed must not change
// between machines, compilers or releases, or old lab results stop comparing.
TEST(LabPlan, DefaultPlanIsStable) {
  const LabPlan plan = make_plan(with_seed("1"));
  EXPECT_EQ(plan.live_hosts().size(), 3224u);
  EXPECT_EQ(plan.open_count(), 7961u);
  ASSERT_FALSE(plan.live_hosts().empty());
  EXPECT_EQ(fumidai::scanner::format_ipv4(plan.live_hosts().front().address), "198.18.0.25");
  EXPECT_EQ(plan.live_hosts().front().open_ports, (std::vector<std::uint16_t>{23}));
}

TEST(LabPlan, HonoursDensityAndOpenProbabilityOnASlash16) {
  LabPlan::Options options;
  options.prefix = "198.18.0.0/16";
  options.density = "0.1";
  options.open_probability = "0.5";
  options.ports = "22,80,443,8080";
  const LabPlan plan = make_plan(options);
  // 65536 x 0.1 = 6553.6 expected, standard deviation about 77.
  EXPECT_NEAR(static_cast<double>(plan.live_hosts().size()), 6553.6, 400.0);
  // Per host: 4 x 0.5 open, plus one forced port when none came up (0.5^4).
  const double per_host = static_cast<double>(plan.open_count()) / static_cast<double>(plan.live_hosts().size());
  EXPECT_NEAR(per_host, 2.0625, 0.1);
}

TEST(LabPlan, EveryLiveHostHasAnOpenLabPort) {
  for (const char* open_probability : {"0", "0.05", "0.3"}) {
    LabPlan::Options options;
    options.open_probability = open_probability;
    const LabPlan plan = make_plan(options);
    ASSERT_FALSE(plan.live_hosts().empty());
    for (const auto& host : plan.live_hosts()) {
      ASSERT_FALSE(host.open_ports.empty()) << fumidai::scanner::format_ipv4(host.address);
      for (const std::uint16_t port : host.open_ports) {
        EXPECT_TRUE(std::binary_search(plan.parameters().ports.begin(), plan.parameters().ports.end(), port));
      }
      if (std::string(open_probability) == "0") {
        EXPECT_EQ(host.open_ports.size(), 1u);
      }
    }
  }
}

TEST(LabPlan, GroundTruthHasOneSortedRowPerLiveHostAndPort) {
  LabPlan::Options options;
  options.prefix = "198.18.0.0/20";  // crosses 198.18.9.x → 198.18.10.x, where text order differs
  options.ports = "8080,22,80";
  const LabPlan plan = make_plan(options);
  std::istringstream in(ground_truth(plan));
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_EQ(line, "ip,port,state");
  std::size_t rows = 0;
  std::size_t open_rows = 0;
  std::pair<std::uint32_t, int> previous{0, 0};
  while (std::getline(in, line)) {
    const auto first_comma = line.find(',');
    const auto second_comma = line.find(',', first_comma + 1);
    ASSERT_NE(second_comma, std::string::npos) << line;
    const auto ip = fumidai::scanner::parse_ipv4(line.substr(0, first_comma));
    ASSERT_TRUE(ip) << line;
    const int port = std::stoi(line.substr(first_comma + 1, second_comma - first_comma - 1));
    const std::string state = line.substr(second_comma + 1);
    ASSERT_TRUE(state == "open" || state == "closed") << line;
    const std::pair<std::uint32_t, int> key{*ip, port};
    EXPECT_LT(previous, key) << line;
    previous = key;
    ++rows;
    open_rows += state == "open";
  }
  EXPECT_EQ(rows, plan.live_hosts().size() * 3);
  EXPECT_EQ(open_rows, plan.open_count());
}

TEST(LabPlan, NftRulesetDeclaresTheSetsAndRules) {
  LabPlan::Options options;
  options.prefix = "198.18.0.0/20";
  const LabPlan plan = make_plan(options);
  const std::string text = nft(plan);
  for (const char* expected :
       {"table ip fumidai_lab {", "set live {", "type ipv4_addr\n", "set open {", "type ipv4_addr . inet_service",
        "type filter hook input priority filter", "iifname \"lo\" accept", "ip daddr != 198.18.0.0/20 accept",
        "ip daddr != @live drop", "ip daddr . tcp dport @open accept", "reject with tcp reset",
        "add element ip fumidai_lab live {", "add element ip fumidai_lab open {"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected;
  }
  const auto& first = plan.live_hosts().front();
  const std::string ip = fumidai::scanner::format_ipv4(first.address);
  EXPECT_NE(text.find("  " + ip + ",\n"), std::string::npos);
  EXPECT_NE(text.find("  " + ip + " . " + std::to_string(first.open_ports.front())), std::string::npos);
}

TEST(LabPlan, EmptySampleHasNoElementStatements) {
  LabPlan::Options options;
  options.prefix = "198.18.0.0/32";
  options.seed = "1";
  const LabPlan plan = make_plan(options);
  ASSERT_TRUE(plan.live_hosts().empty());
  EXPECT_EQ(nft(plan).find("add element"), std::string::npos);
  EXPECT_EQ(ground_truth(plan), "ip,port,state\n");
}

TEST(LabPlan, NormalisesPrefixAndPorts) {
  LabPlan::Options options;
  options.prefix = "198.18.0.0/16";
  options.ports = "443,80,80,20-22";
  auto parameters = LabPlan::parse(options);
  ASSERT_TRUE(parameters) << parameters.error().message;
  EXPECT_EQ(parameters->prefix_text(), "198.18.0.0/16");
  EXPECT_EQ(parameters->ports_text(), "20,21,22,80,443");
}

TEST(LabPlan, RejectsBadInputNamingTheValue) {
  struct Case {
    const char* field;
    const char* value;
  };
  for (const Case& c : std::vector<Case>{{"prefix", "10.0.0.0/8"},
                                         {"prefix", "198.18.0.5/16"},
                                         {"prefix", "198.18.0.0"},
                                         {"prefix", "198.18.0.0-198.18.0.9"},
                                         {"prefix", "198.18.0.0/33"},
                                         {"prefix", "192.0.2.0/28"},
                                         {"prefix", "127.5.0.0/16"},
                                         {"prefix", "0.0.0.0/12"},
                                         {"prefix", "224.0.0.0/16"},
                                         {"seed", "-1"},
                                         {"seed", "x"},
                                         {"seed", ""},
                                         {"density", "0"},
                                         {"density", "1.01"},
                                         {"density", "nan"},
                                         {"density", "0.1x"},
                                         {"open-prob", "-0.5"},
                                         {"open-prob", "inf"},
                                         {"ports", "0"},
                                         {"ports", "80,"},
                                         {"ports", "1-257"}}) {
    LabPlan::Options options;
    const std::string field = c.field;
    if (field == "prefix") options.prefix = c.value;
    if (field == "seed") options.seed = c.value;
    if (field == "density") options.density = c.value;
    if (field == "open-prob") options.open_probability = c.value;
    if (field == "ports") options.ports = c.value;
    auto parameters = LabPlan::parse(options);
    ASSERT_FALSE(parameters) << c.field << "=" << c.value;
    const std::string& message = parameters.error().message;
    EXPECT_NE(message.find("'" + std::string(c.value) + "'"), std::string::npos) << message;
    EXPECT_NE(message.find("--" + field), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_EQ(parameters.error().kind, Error::Kind::invalid_input);
  }
}

TEST(LabPlan, RefusesPlansAboveTheRowLimit) {
  LabPlan::Options options;
  options.prefix = "198.16.0.0/12";
  options.density = "1";
  auto parameters = LabPlan::parse(options);
  ASSERT_TRUE(parameters) << parameters.error().message;
  auto plan = LabPlan::sample(*parameters);
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().message.find("too large"), std::string::npos) << plan.error().message;
  EXPECT_EQ(plan.error().kind, Error::Kind::invalid_input);
}
