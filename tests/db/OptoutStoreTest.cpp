// OptoutStore against a real PostgreSQL with the lab's attribution data: the
// abuse contact of a prefix (four levels of nesting, the AS fallback), and the
// request -> verify -> blocklist flow with its refusals.
#include <gtest/gtest.h>

#include "CampaignFixture.h"
#include "TestDatabase.h"
#include "fumidai/db/OptoutStore.h"

namespace fumidai::db {
namespace {

using test::TestDatabase;

NewOptout request_for(const std::string& prefix, const std::string& token, TimePoint expires,
                      const std::string& message_id = "optout-1@fumidai.localhost") {
  NewOptout o{prefix,
              "owner@example.jp",
              "research scans are not welcome",
              "mobile-abuse@sakura-hikari.example.jp",
              token_hash(token),
              expires,
              test::letter(message_id, "mobile-abuse@sakura-hikari.example.jp")};
  o.verification.ack_token_hash.clear();
  return o;
}

std::optional<std::string> contact(OptoutStore& store, const std::string& prefix) {
  auto found = store.abuse_contact(prefix);
  EXPECT_TRUE(found) << prefix << ": " << found.error().message;
  return found ? *found : std::nullopt;
}

TEST(OptoutStore, AbuseContactOfAPrefix) {
  TestDatabase database;
  test::import_lab_attribution(database);
  auto session = database.session();
  OptoutStore store(session);
  // 198.18.0.0/16 > 198.18.64.0/18 > 198.18.64.0/20 > 198.18.72.0/22: the
  // most specific prefix holding the whole request wins.
  EXPECT_EQ(contact(store, "198.18.72.0/24"), "mobile-abuse@sakura-hikari.example.jp");
  EXPECT_EQ(contact(store, "198.18.72.0/22"), "mobile-abuse@sakura-hikari.example.jp");
  EXPECT_EQ(contact(store, "198.18.72.0/21"), "abuse@tsubame-catv.example.jp");
  EXPECT_EQ(contact(store, "198.18.64.0/19"), "abuse@kumo-bb.example.jp");
  EXPECT_EQ(contact(store, "198.18.3.4"), "abuse@sakura-hikari.example.jp");
  // No abuse prefix: the origin AS's contact (pfx2as's 198.19.0.128/25 is
  // Minato's AS64500; 198.19.0.96/27 is in GeoLite2 only, AS64510).
  EXPECT_EQ(contact(store, "198.19.0.128/26"), "security@minato-biz.example.jp");
  EXPECT_EQ(contact(store, "198.19.0.96/28"), "abuse@hoshizora.example.net");
  // Wider than anything known, or outside it: nobody to ask.
  EXPECT_EQ(contact(store, "198.18.0.0/15"), std::nullopt);
  EXPECT_EQ(contact(store, "203.0.113.0/24"), std::nullopt);
  auto bad = store.abuse_contact("198.18.72.1/22");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, Error::Kind::invalid_input);
  EXPECT_FALSE(store.abuse_contact("not a prefix"));
}

TEST(OptoutStore, RequestVerifyBlocklist) {
  TestDatabase database;
  auto session = database.session();
  OptoutStore store(session);
  const auto now = test::utc(2030, 1, 1);
  auto requested = store.request(request_for("198.18.72.0/22", "the-token", now + std::chrono::hours(72)));
  ASSERT_TRUE(requested) << requested.error().message;
  EXPECT_EQ(requested->prefix, "198.18.72.0/22");
  EXPECT_EQ(requested->state, OptoutState::pending);
  EXPECT_EQ(requested->verify_to, "mobile-abuse@sakura-hikari.example.jp");
  EXPECT_EQ(requested->expires, now + std::chrono::hours(72));
  EXPECT_FALSE(requested->verified);
  // Its verification message waits in the outbox, tied to it.
  EXPECT_EQ(database.scalar<std::string>("SELECT kind || ' ' || envelope_to || ' ' || (optout_id = " +
                                         std::to_string(requested->id) + ") FROM mail_outbox"),
            "optout-verification mobile-abuse@sakura-hikari.example.jp true");
  // Only the hash is stored.
  EXPECT_EQ(database.scalar<std::int64_t>("SELECT count(*) FROM optouts WHERE optouts::text LIKE '%the-token%'"), 0);

  auto listed = store.verified_prefixes();
  ASSERT_TRUE(listed);
  EXPECT_TRUE(listed->empty());
  auto wrong = store.verify("not-the-token", now + std::chrono::hours(1));
  ASSERT_TRUE(wrong);
  EXPECT_FALSE(*wrong);
  auto verified = store.verify("the-token", now + std::chrono::hours(1));
  ASSERT_TRUE(verified && *verified) << (verified ? "missing" : verified.error().message);
  EXPECT_EQ((*verified)->state, OptoutState::verified);
  EXPECT_EQ((*verified)->verified, now + std::chrono::hours(1));
  listed = store.verified_prefixes();
  ASSERT_TRUE(listed);
  EXPECT_EQ(*listed, std::vector<std::string>{"198.18.72.0/22"});
  // The link followed twice: still verified, the first time kept.
  auto again = store.verify("the-token", now + std::chrono::hours(2));
  ASSERT_TRUE(again && *again);
  EXPECT_EQ((*again)->verified, now + std::chrono::hours(1));

  auto all = store.list();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->front().contact, "owner@example.jp");
  EXPECT_EQ(all->front().reason, "research scans are not welcome");
  EXPECT_EQ(to_string(all->front().state), "verified");
}

TEST(OptoutStore, RefusesExpiredAndMalformedRequests) {
  TestDatabase database;
  auto session = database.session();
  OptoutStore store(session);
  // Lapsed on 2001-01-02: the token no longer verifies, and it lists as expired.
  const auto expires = test::utc(2001, 1, 2);
  auto old = store.request(request_for("198.18.0.0/16", "old-token", expires));
  ASSERT_TRUE(old) << old.error().message;
  EXPECT_EQ(old->state, OptoutState::expired);
  auto late = store.verify("old-token", expires + std::chrono::seconds(1));
  ASSERT_TRUE(late);
  EXPECT_FALSE(*late);
  auto all = store.list();
  ASSERT_TRUE(all && all->size() == 1u);
  EXPECT_EQ(all->front().state, OptoutState::expired);
  EXPECT_EQ(to_string(all->front().state), "expired");

  const auto before = database.scalar<std::int64_t>(
      "SELECT (SELECT count(*) FROM optouts) + "
      "(SELECT count(*) FROM mail_outbox)");
  auto host_bits = store.request(request_for("198.18.72.1/22", "t2", expires, "optout-2@fumidai.localhost"));
  ASSERT_FALSE(host_bits);
  EXPECT_EQ(host_bits.error().kind, Error::Kind::invalid_input);
  auto no_contact = request_for("198.18.72.0/22", "t3", expires, "optout-3@fumidai.localhost");
  no_contact.contact.clear();
  EXPECT_FALSE(store.request(no_contact));
  // The message id is taken: the opt-out row goes too (one transaction).
  auto taken = store.request(request_for("198.18.72.0/22", "t4", expires));
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().kind, Error::Kind::invalid_input);
  EXPECT_EQ(database.scalar<std::int64_t>("SELECT (SELECT count(*) FROM optouts) + "
                                          "(SELECT count(*) FROM mail_outbox)"),
            before);
  auto empty = store.verify("", expires);
  ASSERT_TRUE(empty);
  EXPECT_FALSE(*empty);
}

}  // namespace
}  // namespace fumidai::db
