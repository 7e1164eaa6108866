// MailOutbox against a real PostgreSQL: the claim/record state machine,
// messages in doubt, backoff, selections, two claimers at once, bounces, and
// relay replies that PostgreSQL's text could not hold.
#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "CampaignFixture.h"
#include "TestDatabase.h"
#include "fumidai/db/CampaignStore.h"
#include "fumidai/db/MailOutbox.h"
#include "fumidai/db/OptoutStore.h"

namespace fumidai::db {
namespace {

using test::TestDatabase;
using namespace std::chrono_literals;

// A campaign of `letters` treated recipients, one letter each; its id.
std::int64_t campaign_with_letters(Session& session, int letters, const std::string& prefix = "m") {
  std::vector<NewRecipient> people;
  for (int i = 1; i <= letters; ++i) {
    people.push_back(test::recipient(fmt::format("abuse{}@example.jp", i), CampaignArm::treatment, 0.5,
                                     {test::exposure(fmt::format("198.18.{}.{}", i / 250, i % 250 + 1), 1723)},
                                     fmt::format("{}{}@fumidai.localhost", prefix, i)));
  }
  CampaignStore store(session);
  auto id = store.create(test::campaign("letters", std::move(people)));
  EXPECT_TRUE(id) << id.error().message;
  return *id;
}

std::vector<std::int64_t> ids(const std::vector<OutboxMessage>& messages) {
  std::vector<std::int64_t> out;
  for (const auto& m : messages) out.push_back(m.id);
  return out;
}

std::string state_of(const TestDatabase& database, std::int64_t id) {
  return database.scalar<std::string>("SELECT state FROM mail_outbox WHERE id = " + std::to_string(id));
}

TEST(MailOutbox, ClaimAndRecordStateMachine) {
  TestDatabase database;
  auto session = database.session();
  const auto campaign = campaign_with_letters(session, 3);
  MailOutbox outbox(session);
  const OutboxSelection letters{campaign, MailKind::letter, false};
  const auto now = test::utc(2030, 1, 1);

  auto first = outbox.claim(letters, now, 2);
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_EQ(first->size(), 2u);
  const auto a = (*first)[0].id, b = (*first)[1].id;
  EXPECT_LT(a, b);
  EXPECT_EQ((*first)[0].kind, MailKind::letter);
  EXPECT_EQ((*first)[0].message_id, "m1@fumidai.localhost");
  EXPECT_EQ((*first)[0].envelope_from, "cert@fumidai.localhost");
  EXPECT_EQ((*first)[0].envelope_to, "abuse1@example.jp");
  EXPECT_EQ((*first)[0].eml, test::letter("m1@fumidai.localhost", "abuse1@example.jp").eml);
  EXPECT_EQ((*first)[0].attempts, 0);
  auto second = outbox.claim(letters, now, 10);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->size(), 1u);
  const auto c = second->front().id;
  auto counts = outbox.counts(letters);
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->at("queued"), 3);
  EXPECT_EQ(counts->at("in-doubt"), 3);

  ASSERT_TRUE(outbox.record(a, {DeliveryOutcome::Kind::sent, "250 2.0.0 Ok: queued as 1234", {}}, now + 1s));
  ASSERT_TRUE(outbox.record(b, {DeliveryOutcome::Kind::permanent, "550 5.1.1 <abuse2@example.jp>: no such user", {}},
                            now + 2s));
  EXPECT_EQ(state_of(database, a), "sent");
  EXPECT_EQ(database.scalar<std::string>("SELECT sent_at = '2030-01-01T00:00:01Z' AND attempt_started IS NULL "
                                         "FROM mail_outbox WHERE id = " +
                                         std::to_string(a)),
            "t");
  EXPECT_EQ(state_of(database, b), "failed");
  EXPECT_EQ(database.scalar<std::string>("SELECT last_reply FROM mail_outbox WHERE id = " + std::to_string(b)),
            "550 5.1.1 <abuse2@example.jp>: no such user");

  // c's attempt never recorded an outcome: in doubt, and left alone...
  auto later = outbox.claim(letters, now + 1h, 10);
  ASSERT_TRUE(later);
  EXPECT_TRUE(later->empty());
  // ...unless asked.
  auto retried = outbox.claim({campaign, MailKind::letter, true}, now + 1h, 10);
  ASSERT_TRUE(retried);
  ASSERT_EQ(ids(*retried), std::vector<std::int64_t>{c});
  EXPECT_EQ(retried->front().attempts, 1);

  // A transient failure with a retry time waits until then.
  ASSERT_TRUE(outbox.record(c, {DeliveryOutcome::Kind::transient, "451 4.7.1 try later", now + 2h}, now + 1h));
  counts = outbox.counts(letters);
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->at("queued"), 1);
  EXPECT_EQ(counts->at("in-doubt"), 0);
  EXPECT_EQ(counts->at("sent"), 1);
  EXPECT_EQ(counts->at("failed"), 1);
  auto early = outbox.claim(letters, now + 2h - 1s, 10);
  ASSERT_TRUE(early);
  EXPECT_TRUE(early->empty());
  auto due = outbox.claim(letters, now + 2h, 10);
  ASSERT_TRUE(due);
  ASSERT_EQ(ids(*due), std::vector<std::int64_t>{c});
  EXPECT_EQ(due->front().attempts, 2);
  // Transient without a retry time: given up.
  ASSERT_TRUE(outbox.record(c, {DeliveryOutcome::Kind::transient, "connection refused", std::nullopt}, now + 2h));
  EXPECT_EQ(state_of(database, c), "failed");
  EXPECT_EQ(database.scalar<int>("SELECT attempts FROM mail_outbox WHERE id = " + std::to_string(c)), 3);

  // An outcome for a message that is not queued, or not there.
  auto done = outbox.record(a, {DeliveryOutcome::Kind::sent, "250", {}}, now);
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().message, fmt::format("outbox message {} is sent: only a queued message takes a delivery "
                                              "outcome",
                                              a));
  auto nowhere = outbox.record(a + 1000, {DeliveryOutcome::Kind::sent, "250", {}}, now);
  ASSERT_FALSE(nowhere);
  EXPECT_EQ(nowhere.error().kind, Error::Kind::invalid_input);
  EXPECT_FALSE(outbox.claim(letters, now, 0));
  EXPECT_FALSE(outbox.claim(letters, now, 1001));
}

TEST(MailOutbox, SelectsByCampaignAndKind) {
  TestDatabase database;
  auto session = database.session();
  const auto one = campaign_with_letters(session, 2, "one-");
  const auto two = campaign_with_letters(session, 3, "two-");
  OptoutStore optouts(session);
  NewOptout request{"198.18.72.0/22",
                    "owner@example.jp",
                    "no scans",
                    "mobile-abuse@sakura-hikari.example.jp",
                    token_hash("verify-me"),
                    test::utc(2030, 1, 2),
                    test::letter("optout-1@fumidai.localhost", "mobile-abuse@sakura-hikari.example.jp")};
  request.verification.ack_token_hash.clear();
  ASSERT_TRUE(optouts.request(request));
  MailOutbox outbox(session);
  const auto now = test::utc(2030, 1, 1);

  auto counts = outbox.counts({});
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->at("queued"), 6);
  counts = outbox.counts({two, std::nullopt, false});
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->at("queued"), 3);

  auto verification = outbox.claim({std::nullopt, MailKind::optout_verification, false}, now, 10);
  ASSERT_TRUE(verification);
  ASSERT_EQ(verification->size(), 1u);
  EXPECT_EQ(verification->front().kind, MailKind::optout_verification);
  EXPECT_EQ(verification->front().envelope_to, "mobile-abuse@sakura-hikari.example.jp");
  auto of_one = outbox.claim({one, std::nullopt, false}, now, 10);
  ASSERT_TRUE(of_one);
  ASSERT_EQ(of_one->size(), 2u);
  EXPECT_EQ(of_one->front().message_id, "one-1@fumidai.localhost");
  auto rest = outbox.claim({}, now, 10);
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->size(), 3u);
}

// A claimer holding rows in an open transaction: another claims past them
// (SKIP LOCKED) instead of waiting or taking them too.
TEST(MailOutbox, ConcurrentClaimersNeverShareAMessage) {
  TestDatabase database;
  auto session = database.session();
  campaign_with_letters(session, 200);
  const auto now = test::utc(2030, 1, 1);
  {
    pqxx::connection holder(database.conninfo());
    pqxx::work held(holder);
    const auto locked =
        held.exec("SELECT id FROM mail_outbox WHERE state = 'queued' ORDER BY id LIMIT 5 FOR UPDATE SKIP LOCKED");
    ASSERT_EQ(locked.size(), 5u);
    MailOutbox outbox(session);
    auto claimed = outbox.claim({}, now, 3);
    ASSERT_TRUE(claimed);
    ASSERT_EQ(claimed->size(), 3u);
    EXPECT_GT(claimed->front().id, locked[4][0].as<std::int64_t>());
    held.abort();
  }

  // Two sessions claiming in small batches until the queue is empty.
  std::vector<std::int64_t> got[2];
  std::thread claimers[2];
  for (int t = 0; t < 2; ++t) {
    claimers[t] = std::thread([&, t] {
      auto own = database.session();
      MailOutbox outbox(own);
      for (;;) {
        auto batch = outbox.claim({}, now, 7);
        if (!batch || batch->empty()) break;
        for (const auto& m : *batch) got[t].push_back(m.id);
      }
    });
  }
  for (auto& t : claimers) t.join();
  std::set<std::int64_t> all(got[0].begin(), got[0].end());
  all.insert(got[1].begin(), got[1].end());
  EXPECT_EQ(got[0].size() + got[1].size(), 197u);  // the three claimed above are in doubt
  EXPECT_EQ(all.size(), 197u);                     // none twice
  EXPECT_EQ(database.scalar<std::int64_t>("SELECT count(*) FROM mail_outbox WHERE attempts <> 1"), 0);
}

TEST(MailOutbox, RecordsBouncesAndStoresAnyReply) {
  TestDatabase database;
  auto session = database.session();
  campaign_with_letters(session, 3);
  MailOutbox outbox(session);
  const auto now = test::utc(2030, 1, 1);
  auto claimed = outbox.claim({}, now, 3);
  ASSERT_TRUE(claimed && claimed->size() == 3u);
  // A relay's reply with NUL, invalid UTF-8 and line ends: stored, readable.
  const std::string hostile = std::string("250 ok\0\xff\xfe", 9) + "\r\nX-Injected: yes \xe3\x81\x82";
  ASSERT_TRUE(outbox.record((*claimed)[0].id, {DeliveryOutcome::Kind::sent, hostile, {}}, now));
  EXPECT_EQ(
      database.scalar<std::string>("SELECT last_reply FROM mail_outbox WHERE id = " + std::to_string((*claimed)[0].id)),
      "250 ok ??  X-Injected: yes \xe3\x81\x82");
  ASSERT_TRUE(outbox.record((*claimed)[1].id, {DeliveryOutcome::Kind::sent, std::string(100000, 'x'), {}}, now));
  EXPECT_EQ(
      database.scalar<int>("SELECT length(last_reply) FROM mail_outbox WHERE id = " + std::to_string((*claimed)[1].id)),
      2048);

  auto bounced = outbox.record_bounce("m1@fumidai.localhost", "5.2.2 mailbox full", now + 1h);
  ASSERT_TRUE(bounced);
  EXPECT_TRUE(*bounced);
  EXPECT_EQ(state_of(database, (*claimed)[0].id), "bounced");
  EXPECT_EQ(
      database.scalar<std::string>("SELECT last_reply FROM mail_outbox WHERE id = " + std::to_string((*claimed)[0].id)),
      "5.2.2 mailbox full");
  // The third is in doubt: a bounce proves the relay took it.
  ASSERT_TRUE(outbox.record_bounce("m3@fumidai.localhost", "550 unknown user", now + 1h));
  EXPECT_EQ(state_of(database, (*claimed)[2].id), "bounced");
  auto retry = outbox.claim({std::nullopt, std::nullopt, true}, now + 2h, 10);
  ASSERT_TRUE(retry);
  EXPECT_TRUE(retry->empty());

  auto unknown = outbox.record_bounce("nobody@fumidai.localhost", "x", now);
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(*unknown);
  auto binary = outbox.record_bounce(std::string("\0\xff", 2), "x", now);
  ASSERT_TRUE(binary);
  EXPECT_FALSE(*binary);
}

}  // namespace
}  // namespace fumidai::db
