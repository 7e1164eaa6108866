#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <tuple>

#include "fumidai/scanner/target/AddressListFile.h"
#include "fumidai/scanner/target/Ipv4.h"
#include "fumidai/scanner/target/PortList.h"
#include "fumidai/scanner/target/TargetSpace.h"

using namespace fumidai::scanner;

TEST(Ipv4, ParsesAddressesCidrsAndRanges) {
  EXPECT_EQ(*parse_ipv4("198.18.3.4"), 0xC6120304u);
  EXPECT_EQ(format_ipv4(0xC6120304u), "198.18.3.4");
  EXPECT_EQ(*parse_target("10.1.2.3/8"), (Ipv4Interval{0x0A000000u, 0x0AFFFFFFu}));
  EXPECT_EQ(*parse_target("0.0.0.0/0"), (Ipv4Interval{0, 0xFFFFFFFFu}));
  EXPECT_EQ(*parse_target("1.2.3.4-1.2.3.10"), (Ipv4Interval{0x01020304u, 0x0102030Au}));
  EXPECT_EQ(*parse_target("1.2.3.4"), (Ipv4Interval{0x01020304u, 0x01020304u}));
}

TEST(Ipv4, RejectsMalformedInputNamingIt) {
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4/33", "1.2.3.4/", "01.2.3.4",
                          "1.2.3.4-1.2.3.3", "a.b.c.d", "1.2.3.4 ", "-1.2.3.4", "1.2.3.4/8x", "1..2.3"}) {
    auto r = parse_target(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message.find(std::string("'") + bad + "'"), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().kind, fumidai::Error::Kind::invalid_input);
  }
}

TEST(PortList, ParsesListsAndRanges) {
  EXPECT_EQ(*parse_port_list("443,80,8000-8002,80"), (std::vector<std::uint16_t>{80, 443, 8000, 8001, 8002}));
  EXPECT_EQ(parse_port_list("1-65535")->size(), 65535u);
  for (const char* bad : {"", "0", "65536", "80,", "a", "90-80", "80-", "-80", "1,,2", "99999999999"}) {
    EXPECT_FALSE(parse_port_list(bad)) << bad;
  }
}

TEST(AddressListFile, ParsesCommentsAndReportsLine) {
  auto set = parse_address_list("# comment\n10.0.0.0/8  # private\n\n 192.168.1.1 \r\n", "x.conf");
  ASSERT_TRUE(set);
  EXPECT_EQ(set->count(), (1u << 24) + 1);
  auto bad = parse_address_list("10.0.0.0/8\n10.0.0/8\n", "x.conf");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "x.conf:2: invalid CIDR '10.0.0/8'");
  EXPECT_FALSE(load_address_list_file("/nonexistent/blocklist"));
}

TEST(AddressListFile, DefaultBlocklistIsIanaSpecialPurpose) {
  const IntervalSet b = default_blocklist();
  for (const char* blocked : {"0.1.2.3", "10.9.9.9", "100.64.0.1", "127.0.0.1", "169.254.1.1", "172.16.0.1",
                              "192.0.0.1", "192.0.2.1", "192.88.99.1", "192.168.1.1", "198.18.0.1", "198.19.255.255",
                              "198.51.100.1", "203.0.113.1", "224.0.0.1", "240.0.0.1", "255.255.255.255"}) {
    EXPECT_TRUE(b.contains(*parse_ipv4(blocked))) << blocked;
  }
  for (const char* open : {"1.1.1.1", "8.8.8.8", "100.63.255.255", "172.32.0.0", "198.20.0.0", "223.255.255.255"}) {
    EXPECT_FALSE(b.contains(*parse_ipv4(open))) << open;
  }
}

// The interval set must agree with a brute-force bitmap over a small universe.
TEST(IntervalSet, AgreesWithBruteForce) {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    constexpr std::uint32_t kUniverse = 512;
    std::vector<bool> in_a(kUniverse), in_b(kUniverse);
    IntervalSet a, b;
    for (int i = 0; i < 8; ++i) {
      const std::uint32_t lo = rng() % kUniverse, hi = std::min<std::uint32_t>(kUniverse - 1, lo + rng() % 40);
      const bool to_a = rng() % 2;
      (to_a ? a : b).add({lo, hi});
      for (auto x = lo; x <= hi; ++x) (to_a ? in_a : in_b)[x] = true;
    }
    const IntervalSet diff = a.minus(b);
    std::vector<Ipv4Interval> all(a.intervals().begin(), a.intervals().end());
    all.insert(all.end(), b.intervals().begin(), b.intervals().end());
    const IntervalSet both = IntervalSet::from(all);
    std::uint64_t expected_count = 0;
    for (std::uint32_t x = 0; x < kUniverse; ++x) {
      ASSERT_EQ(a.contains(x), in_a[x]);
      ASSERT_EQ(both.contains(x), in_a[x] || in_b[x]);
      ASSERT_EQ(diff.contains(x), in_a[x] && !in_b[x]);
      expected_count += in_a[x] && !in_b[x];
    }
    ASSERT_EQ(diff.count(), expected_count);
    for (std::size_t k = 1; k < diff.intervals().size(); ++k) {
      ASSERT_GT(diff.intervals()[k].first, std::uint64_t{diff.intervals()[k - 1].last} + 1) << "not merged";
    }
  }
}

TEST(TargetSpace, MapsEveryIndexToADistinctAllowedTarget) {
  IntervalSet requested;
  requested.add(*parse_target("10.0.0.0/28"));
  requested.add(*parse_target("10.0.1.0-10.0.1.3"));
  IntervalSet block;
  block.add(*parse_target("10.0.0.4-10.0.0.7"));
  auto space = TargetSpace::create(requested, block, {22, 80});
  ASSERT_TRUE(space);
  EXPECT_EQ(space->address_count(), 16u);
  EXPECT_EQ(space->blocklisted_count(), 4u);
  std::set<std::pair<std::uint32_t, std::uint16_t>> seen;
  for (std::uint64_t i = 0; i < space->size(); ++i) {
    const Target t = space->at(i);
    EXPECT_FALSE(block.contains(t.address));
    EXPECT_TRUE(requested.contains(t.address));
    seen.insert({t.address, t.port});
  }
  EXPECT_EQ(seen.size(), space->size());
}

TEST(TargetSpace, WalksTcpAndUdpPortsInOneSpace) {
  IntervalSet requested;
  requested.add(*parse_target("10.0.0.0/29"));
  auto space = TargetSpace::create(requested, {}, {53, 80}, {53});
  ASSERT_TRUE(space);
  EXPECT_EQ(space->size(), 8u * 3);
  std::set<std::tuple<std::uint32_t, std::uint16_t, Transport>> seen;
  for (std::uint64_t i = 0; i < space->size(); ++i) {
    const Target t = space->at(i);
    seen.insert({t.address, t.port, t.transport});
  }
  EXPECT_EQ(seen.size(), space->size());
  EXPECT_EQ(std::count_if(seen.begin(), seen.end(), [](const auto& t) { return std::get<2>(t) == Transport::udp; }), 8);
  EXPECT_FALSE(TargetSpace::create(requested, {}, {}, {}));
  EXPECT_TRUE(TargetSpace::create(requested, {}, {}, {161}));
}

TEST(TargetSpace, RefusesFullyBlocklistedTargets) {
  IntervalSet requested;
  requested.add(*parse_target("192.168.0.0/24"));
  auto space = TargetSpace::create(requested, default_blocklist(), {80});
  ASSERT_FALSE(space);
  EXPECT_NE(space.error().message.find("blocklisted"), std::string::npos);
}
