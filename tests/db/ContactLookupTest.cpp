// ContactLookup against a real PostgreSQL with the lab's attribution data:
// the lab's service hosts get their ISP's abuse contact, and thousands of
// addresses go in one query.
#include <gtest/gtest.h>

#include <chrono>

#include "CampaignFixture.h"
#include "TestDatabase.h"
#include "fumidai/db/ContactLookup.h"

namespace fumidai::db {
namespace {

using test::TestDatabase;

TEST(ContactLookup, TheLabServiceHosts) {
  TestDatabase database;
  test::import_lab_attribution(database);
  auto session = database.session();
  ContactLookup lookup(session);
  // lab/attribution/README.md: who holds each part of the services /24.
  auto found = lookup.abuse_contacts({{"198.19.0.10", 64500},
                                      {"198.19.0.45", 64500},
                                      {"198.19.0.10", std::nullopt},  // again: once in the answer
                                      {"198.19.0.20", 64496},
                                      {"198.19.0.31", 64496},
                                      {"198.19.0.33", 64498},
                                      {"198.19.0.80", 64501},
                                      {"198.19.0.97", 64510},
                                      {"198.19.0.98", std::nullopt},
                                      {"198.18.73.1", std::nullopt},
                                      {"203.0.113.9", std::nullopt}});
  ASSERT_TRUE(found) << found.error().message;
  const std::map<std::string, std::string> want{
      {"198.19.0.10", "security@minato-biz.example.jp"},
      {"198.19.0.45", "security@minato-biz.example.jp"},
      {"198.19.0.20", "abuse@sakura-hikari.example.jp"},
      {"198.19.0.31", "abuse@sakura-hikari.example.jp"},
      {"198.19.0.33", "abuse@kumo-bb.example.jp"},
      {"198.19.0.80", "abuse@rhein-telecom.example.net"},
      // Hoshizora has no abuse prefix: its AS's contact, when the AS is known.
      {"198.19.0.97", "abuse@hoshizora.example.net"},
      // Four levels down in 198.18.0.0/16.
      {"198.18.73.1", "mobile-abuse@sakura-hikari.example.jp"},
  };
  EXPECT_EQ(*found, want);

  auto none = lookup.abuse_contacts({});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  auto bad = lookup.abuse_contacts({{"198.19.0.300", std::nullopt}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, Error::Kind::invalid_input);
}

// Every address of 198.18.0.0/16, each asked twice (a host with two ports):
// more than one statement's worth (the time is printed, not asserted).
TEST(ContactLookup, ManyAddressesInOneQuery) {
  TestDatabase database;
  test::import_lab_attribution(database);
  auto session = database.session();
  ContactLookup lookup(session);
  std::vector<ContactQuery> queries;
  for (int n = 0; n < 2 * 65536; ++n) {
    queries.push_back({fmt::format("198.18.{}.{}", (n >> 8) & 255, n & 255), std::nullopt});
  }
  const auto started = std::chrono::steady_clock::now();
  auto found = lookup.abuse_contacts(queries);
  const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_TRUE(found) << found.error().message;
  std::printf("abuse_contacts: %zu addresses in %.3f s\n", queries.size(), took);
  EXPECT_EQ(found->size(), 65536u);  // the lab's /16 has a contact throughout
  EXPECT_EQ(found->at("198.18.72.5"), "mobile-abuse@sakura-hikari.example.jp");
  EXPECT_EQ(found->at("198.18.78.0"), "abuse@tsubame-catv.example.jp");
  EXPECT_EQ(found->at("198.18.100.20"), "abuse@kumo-bb.example.jp");
  EXPECT_EQ(found->at("198.18.250.9"), "abuse@rhein-telecom.example.net");
  EXPECT_EQ(found->at("198.18.1.1"), "abuse@sakura-hikari.example.jp");
  for (const auto& [ip, email] : *found) EXPECT_FALSE(email.empty()) << ip;
}

}  // namespace
}  // namespace fumidai::db
