// CampaignStore against a real PostgreSQL: a campaign written and read back,
// one transaction for all of it, acknowledgement rules, and remediation
// counts on a small case worked out by hand.
#include <gtest/gtest.h>

#include <chrono>

#include "CampaignFixture.h"
#include "ScanFixture.h"
#include "TestDatabase.h"
#include "fumidai/db/ApiKeyStore.h"
#include "fumidai/db/CampaignStore.h"
#include "fumidai/db/MailOutbox.h"

namespace fumidai::db {
namespace {

using test::campaign;
using test::exposure;
using test::recipient;
using test::TestDatabase;

const std::string kVpn = "vpn-on-consumer-router";

// Three recipients: two treated (with letters), one control, one unresolved.
NewCampaign three_recipients(const std::string& name, const std::string& prefix = "m") {
  return campaign(name, {
                            recipient("abuse@sakura-hikari.example.jp", CampaignArm::treatment, 0.61,
                                      {exposure("198.18.20.1", 1723, {kVpn}), exposure("198.18.20.1", 80),
                                       exposure("198.18.20.2", 1723, {kVpn})},
                                      prefix + "1@fumidai.localhost"),
                            recipient("abuse@kumo-bb.example.jp", CampaignArm::control, 0.12,
                                      {exposure("198.18.64.7", 1723, {kVpn})}),
                            recipient("abuse@tsubame-catv.example.jp", CampaignArm::treatment, 0.93,
                                      {exposure("198.18.65.9", 1723, {kVpn})}, prefix + "3@fumidai.localhost"),
                            recipient("", CampaignArm::unresolved, 0, {exposure("203.0.113.5", 1723, {kVpn})}),
                        });
}

std::int64_t all_rows(const TestDatabase& database) {
  return database.scalar<std::int64_t>(
      "SELECT (SELECT count(*) FROM campaigns) + (SELECT count(*) FROM campaign_recipients) + "
      "(SELECT count(*) FROM campaign_exposures) + (SELECT count(*) FROM mail_outbox)");
}

TEST(Campaign, NamesRoundTrip) {
  for (auto g : {CampaignGrouping::abuse_contact, CampaignGrouping::org, CampaignGrouping::national_cert}) {
    EXPECT_EQ(parse_grouping(to_string(g)), g);
  }
  for (auto a : {CampaignArm::treatment, CampaignArm::control, CampaignArm::unresolved}) {
    EXPECT_EQ(parse_arm(to_string(a)), a);
  }
  for (auto m : {MailState::queued, MailState::sent, MailState::failed, MailState::bounced, MailState::acknowledged}) {
    EXPECT_EQ(parse_mail_state(to_string(m)), m);
  }
  EXPECT_EQ(to_string(CampaignGrouping::national_cert), "national-cert");
  EXPECT_FALSE(parse_grouping("abuse_contact"));
  EXPECT_FALSE(parse_arm("Treatment"));
  EXPECT_FALSE(parse_mail_state(""));
  EXPECT_EQ(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CampaignStore, CreatesAndReadsBackACampaign) {
  TestDatabase database;
  auto session = database.session();
  ApiKeyStore keys(session);
  auto key = keys.create(NewApiKey{"cert-analyst", ApiRole::analyst, {{64496}, {}, {}}, {}});
  ASSERT_TRUE(key) << key.error().message;
  CampaignStore store(session);

  auto by_cli = store.create(three_recipients("JP routers with a VPN on"));
  ASSERT_TRUE(by_cli) << by_cli.error().message;
  auto mine = three_recipients("mine", "k");
  mine.created_by = "cert-analyst";
  mine.created_by_key_id = key->key.id;
  mine.excluded_optout = 4;
  auto by_key = store.create(mine);
  ASSERT_TRUE(by_key) << by_key.error().message;

  auto got = store.get(*by_cli);
  ASSERT_TRUE(got && *got) << (got ? "missing" : got.error().message);
  const CampaignSummary& s = **got;
  EXPECT_EQ(s.name, "JP routers with a VPN on");
  EXPECT_EQ(s.created_by, "cli");
  EXPECT_FALSE(s.created_by_key_id);
  EXPECT_EQ(s.grouping, CampaignGrouping::abuse_contact);
  EXPECT_EQ(s.language, "ja");
  EXPECT_EQ(s.control_fraction, 0.25);
  EXPECT_EQ(s.seed, 18446744073709551557ULL);
  EXPECT_EQ(s.selection_json, R"({"label": ["vpn-on-consumer-router"], "country": ["JP"]})");
  const std::map<std::string, std::int64_t> recipients{{"treatment", 2}, {"control", 1}, {"unresolved", 1}};
  const std::map<std::string, std::int64_t> exposures{{"treatment", 4}, {"control", 1}, {"unresolved", 1}};
  const std::map<std::string, std::int64_t> letters{{"queued", 2},  {"sent", 0},         {"failed", 0},
                                                    {"bounced", 0}, {"acknowledged", 0}, {"in-doubt", 0}};
  EXPECT_EQ(s.recipients_by_arm, recipients);
  EXPECT_EQ(s.exposures_by_arm, exposures);
  EXPECT_EQ(s.letters_by_state, letters);

  auto all = store.list(std::nullopt);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all->front().id, *by_key);  // newest first
  auto analyst = store.list(key->key.id);
  ASSERT_TRUE(analyst);
  ASSERT_EQ(analyst->size(), 1u);
  EXPECT_EQ(analyst->front().name, "mine");
  EXPECT_EQ(analyst->front().excluded_optout, 4);
  EXPECT_EQ(analyst->front().created_by_key_id, key->key.id);

  auto people = store.recipients(*by_cli);
  ASSERT_TRUE(people);
  ASSERT_EQ(people->size(), 4u);
  EXPECT_EQ((*people)[0].id, 1);
  EXPECT_EQ((*people)[0].email, "abuse@sakura-hikari.example.jp");
  EXPECT_EQ((*people)[0].name, "Org of abuse@sakura-hikari.example.jp");
  EXPECT_EQ((*people)[0].arm, CampaignArm::treatment);
  EXPECT_EQ((*people)[0].draw, 0.61);
  EXPECT_EQ((*people)[0].exposures, 3);
  EXPECT_EQ((*people)[0].hosts, 2);
  EXPECT_EQ((*people)[1].arm, CampaignArm::control);
  EXPECT_EQ((*people)[3].arm, CampaignArm::unresolved);
  EXPECT_EQ((*people)[3].email, "");

  auto items = store.exposures(*by_cli, 1);
  ASSERT_TRUE(items);
  ASSERT_EQ(items->size(), 3u);
  const ExposureItem want = exposure("198.18.20.1", 80);
  const ExposureItem& e = (*items)[0];  // by address, then port
  EXPECT_EQ(e.ip, want.ip);
  EXPECT_EQ(e.port, 80);
  EXPECT_EQ(e.transport, "tcp");
  EXPECT_EQ(e.protocol, "http");
  EXPECT_EQ(e.asn, 64496);
  EXPECT_EQ(e.org_name, want.org_name);
  EXPECT_EQ(e.country, "JP");
  EXPECT_EQ(e.categories, want.categories);
  EXPECT_TRUE(e.labels.empty());
  EXPECT_EQ(e.severity, "");
  EXPECT_EQ(e.router_vendor, "MikroTik");
  EXPECT_EQ(e.router_version, "");
  EXPECT_EQ(e.first_seen, want.first_seen);
  EXPECT_EQ(e.last_seen, want.last_seen);
  EXPECT_EQ(e.last_scan_id, 1);
  EXPECT_EQ((*items)[1].labels, std::vector<std::string>{kVpn});
  EXPECT_EQ((*items)[1].severity, "high");
  EXPECT_NE((*items)[1].fingerprints.find("mikrotik-pptp-server"), std::string::npos);

  auto mail = store.letters(*by_cli);
  ASSERT_TRUE(mail);
  ASSERT_EQ(mail->size(), 2u);
  EXPECT_EQ((*mail)[0].recipient_id, 1);
  EXPECT_EQ((*mail)[1].recipient_id, 3);
  EXPECT_EQ((*mail)[1].recipient_name, "Org of abuse@tsubame-catv.example.jp");
  EXPECT_EQ((*mail)[1].mail.message_id, "m3@fumidai.localhost");
  EXPECT_EQ((*mail)[1].mail.envelope_to, "abuse@tsubame-catv.example.jp");
  EXPECT_EQ((*mail)[1].mail.state, MailState::queued);
  EXPECT_EQ((*mail)[1].mail.attempts, 0);
  EXPECT_TRUE((*mail)[1].mail.next_attempt);
  EXPECT_FALSE((*mail)[1].mail.sent_at);
  EXPECT_FALSE((*mail)[1].mail.in_doubt);

  auto eml = store.letter_eml(*by_cli, 3);
  ASSERT_TRUE(eml && *eml);
  EXPECT_EQ(**eml, test::letter("m3@fumidai.localhost", "abuse@tsubame-catv.example.jp").eml);
  auto control = store.letter(*by_cli, 2);
  ASSERT_TRUE(control);
  EXPECT_FALSE(*control);  // no letter for the control group
  auto missing = store.get(*by_key + 100);
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
  auto far = store.letter_eml(*by_cli, 1LL << 40);  // beyond an integer rid: just not there
  ASSERT_TRUE(far) << far.error().message;
  EXPECT_FALSE(*far);
}

TEST(CampaignStore, AFailedCreateLeavesNothing) {
  TestDatabase database;
  auto session = database.session();
  CampaignStore store(session);
  // The third recipient's letter reuses the first's Message-ID: the outbox's
  // unique key fails after the campaign, recipients and exposures went in.
  auto bad = three_recipients("duplicate message id");
  bad.recipients[2].letter->message_id = bad.recipients[0].letter->message_id;
  auto created = store.create(bad);
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().kind, Error::Kind::invalid_input) << created.error().message;
  EXPECT_EQ(all_rows(database), 0);

  auto twice = three_recipients("same exposure twice");
  twice.recipients[1].exposures.push_back(twice.recipients[0].exposures[0]);
  EXPECT_FALSE(store.create(twice));
  EXPECT_EQ(all_rows(database), 0);

  auto no_address = three_recipients("bad address");
  no_address.recipients[0].exposures[0].ip = "198.18.20.300";
  EXPECT_FALSE(store.create(no_address));
  EXPECT_EQ(all_rows(database), 0);

  // Refused before anything is sent.
  auto control_letter = three_recipients("a letter to the control group");
  control_letter.recipients[1].letter = test::letter("c@fumidai.localhost", "abuse@kumo-bb.example.jp");
  auto refused = store.create(control_letter);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, Error::Kind::invalid_input);
  auto empty = campaign("nobody", {});
  ASSERT_FALSE(store.create(empty));
  EXPECT_EQ(store.create(empty).error().kind, Error::Kind::invalid_input);
  auto unnamed = three_recipients("");
  EXPECT_FALSE(store.create(unnamed));
  auto greedy = three_recipients("too much control");
  greedy.control_fraction = 0.6;
  EXPECT_FALSE(store.create(greedy));
  EXPECT_EQ(all_rows(database), 0);

  EXPECT_TRUE(store.create(three_recipients("fine")));
  EXPECT_EQ(database.scalar<std::int64_t>("SELECT count(*) FROM mail_outbox"), 2);
}

TEST(CampaignStore, AcknowledgesOnlySentLetters) {
  TestDatabase database;
  auto session = database.session();
  CampaignStore store(session);
  MailOutbox outbox(session);
  auto id = store.create(three_recipients("ack"));
  ASSERT_TRUE(id) << id.error().message;

  auto queued = store.acknowledge(*id, 1);
  ASSERT_FALSE(queued);
  EXPECT_EQ(queued.error().kind, Error::Kind::invalid_input);
  EXPECT_EQ(queued.error().message, "letter 1 is queued: only a sent letter can be acknowledged");

  const auto now = test::utc(2030, 1, 1);
  auto claimed = outbox.claim({*id, MailKind::letter, false}, now, 10);
  ASSERT_TRUE(claimed);
  ASSERT_EQ(claimed->size(), 2u);
  ASSERT_TRUE(outbox.record((*claimed)[0].id, {DeliveryOutcome::Kind::sent, "250 2.0.0 Ok: queued", {}}, now));
  ASSERT_TRUE(outbox.record((*claimed)[1].id, {DeliveryOutcome::Kind::permanent, "550 5.1.1 no such user", {}}, now));

  auto failed = store.acknowledge(*id, 3);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message, "letter 3 is failed: only a sent letter can be acknowledged");

  auto acked = store.acknowledge(*id, 1);
  ASSERT_TRUE(acked && *acked) << (acked ? "missing" : acked.error().message);
  EXPECT_EQ((*acked)->mail.state, MailState::acknowledged);
  ASSERT_TRUE((*acked)->mail.acknowledged_at);
  EXPECT_TRUE((*acked)->mail.sent_at);
  EXPECT_EQ((*acked)->mail.last_reply, "250 2.0.0 Ok: queued");
  const auto first = *(*acked)->mail.acknowledged_at;

  // Again, and through the letter's link token: no error, the first time kept.
  auto again = store.acknowledge_by_token("ack-m1@fumidai.localhost");
  ASSERT_TRUE(again && *again);
  EXPECT_EQ((*again)->recipient_id, 1);
  EXPECT_EQ((*again)->mail.acknowledged_at, first);

  auto wrong = store.acknowledge_by_token("ack-nothing");
  ASSERT_TRUE(wrong);
  EXPECT_FALSE(*wrong);
  auto empty = store.acknowledge_by_token("");
  ASSERT_TRUE(empty);
  EXPECT_FALSE(*empty);
  auto no_letter = store.acknowledge(*id, 2);  // control
  ASSERT_TRUE(no_letter);
  EXPECT_FALSE(*no_letter);

  // A bounced letter may still be acknowledged (the owner read it elsewhere).
  auto other = store.create(three_recipients("bounce", "b"));
  ASSERT_TRUE(other);
  auto sent = outbox.claim({*other, MailKind::letter, false}, now, 1);
  ASSERT_TRUE(sent && sent->size() == 1u);
  ASSERT_TRUE(outbox.record(sent->front().id, {DeliveryOutcome::Kind::sent, "250 ok", {}}, now));
  auto bounced = outbox.record_bounce("b1@fumidai.localhost", "mailbox full", now);
  ASSERT_TRUE(bounced && *bounced);
  auto bounced_ack = store.acknowledge_by_token("ack-b1@fumidai.localhost");
  ASSERT_TRUE(bounced_ack && *bounced_ack);
  EXPECT_EQ((*bounced_ack)->mail.state, MailState::acknowledged);
  EXPECT_TRUE((*bounced_ack)->mail.bounced_at);

  auto summary = store.get(*id);
  ASSERT_TRUE(summary && *summary);
  EXPECT_EQ((*summary)->letters_by_state.at("acknowledged"), 1);
  EXPECT_EQ((*summary)->letters_by_state.at("failed"), 1);
}

// The hand-made case. Scans: S0 before the campaign; S1 and S2 after it,
// finalized; S3 after it, never finalized.
//   S1: targets 198.18.0.0/16, ports 80, 443, 1723
//   S2: targets 198.18.20.0/24, ports 80, 1723 (not 443)
// The campaign selected label vpn-on-consumer-router.
//   R1 treatment: A 198.18.20.1:1723, B 198.18.20.1:80, C 198.18.21.5:443
//   R2 control:   D 198.18.20.9:1723, E 198.18.21.9:1723
//   R3 unresolved: F 198.18.20.50:80 (never counted)
//   R4 treatment: G 198.19.0.5:1723 (outside both scans' targets)
// S1 sees A (vpn label), B (no label), C (connection-refused), D (vpn), F.
//   R1: covered A B C = 3; present A = 1 (B lacks the label, C is absent).
//   R2: covered D E = 2; present D = 1 (E not seen).
//   R4: covered 0.
// S2 sees B (vpn label now), D (vpn), G (vpn, but not a target).
//   R1: covered A B = 2 (C's address and port are outside S2); present B = 1.
//   R2: covered D = 1 (E is outside); present 1.
//   R4: covered 0 (an observation outside the targets is not coverage).
// Without a label filter, R1 in S1 has A and B present: 2.
TEST(CampaignStore, RemediationCountsByHand) {
  TestDatabase database;
  test::ScanFixture scans(database);
  auto vpn = [](std::string ip, int port, std::string status = "success") {
    test::Observation o;
    o.ip = std::move(ip);
    o.port = port;
    o.status = std::move(status);
    o.labels = {"vpn-on-consumer-router"};
    return o;
  };
  auto plain = [&](std::string ip, int port) {
    auto o = vpn(std::move(ip), port);
    o.labels.clear();
    return o;
  };
  const auto s0 = scans.scan({"2026-01-05T00:00:00Z", {"198.18.0.0/16"}, {80, 443, 1723}});
  scans.observe(s0, {vpn("198.18.20.1", 1723), plain("198.18.20.1", 80), vpn("198.18.21.5", 443),
                     vpn("198.18.20.9", 1723), vpn("198.18.21.9", 1723)});
  scans.finalize(s0);
  const auto s1 = scans.scan({"2026-03-01T00:00:00Z", {"198.18.0.0/16"}, {80, 443, 1723}});
  scans.observe(s1, {vpn("198.18.20.1", 1723), plain("198.18.20.1", 80), vpn("198.18.21.5", 443, "connection-refused"),
                     vpn("198.18.20.9", 1723), plain("198.18.20.50", 80)});
  scans.finalize(s1);
  const auto s2 = scans.scan({"2026-04-01T00:00:00Z", {"198.18.20.0/24"}, {80, 1723}});
  scans.observe(s2, {vpn("198.18.20.1", 80), vpn("198.18.20.9", 1723), vpn("198.19.0.5", 1723)});
  scans.finalize(s2);
  const auto s3 = scans.scan({"2026-05-01T00:00:00Z", {"198.18.0.0/16"}, {80, 443, 1723}});
  scans.observe(s3, {vpn("198.18.20.1", 1723)});

  auto session = database.session();
  CampaignStore store(session);
  auto make = [&](const std::string& name, const std::string& selection) {
    auto c = campaign(name,
                      {recipient("r1@example.jp", CampaignArm::treatment, 0.7,
                                 {exposure("198.18.20.1", 1723, {kVpn}), exposure("198.18.20.1", 80),
                                  exposure("198.18.21.5", 443, {kVpn})},
                                 name + "-1@fumidai.localhost"),
                       recipient("r2@example.jp", CampaignArm::control, 0.1,
                                 {exposure("198.18.20.9", 1723, {kVpn}), exposure("198.18.21.9", 1723, {kVpn})}),
                       recipient("", CampaignArm::unresolved, 0, {exposure("198.18.20.50", 80)}),
                       recipient("r4@example.jp", CampaignArm::treatment, 0.8, {exposure("198.19.0.5", 1723, {kVpn})},
                                 name + "-4@fumidai.localhost")},
                      selection);
    c.baseline_scan_id = s0;
    auto id = store.create(c);
    EXPECT_TRUE(id) << id.error().message;
    // Created between S0 and S1 (created is the server's clock otherwise).
    database.exec("UPDATE campaigns SET created = '2026-02-01T00:00:00Z' WHERE id = " + std::to_string(*id));
    return *id;
  };
  const auto labelled = make("labelled", R"({"label":["vpn-on-consumer-router"],"country":["JP"]})");
  const auto any = make("any", R"({"country":"JP"})");

  using Cell = std::tuple<std::int64_t, std::int64_t, CampaignArm, std::int64_t, std::int64_t>;
  auto cells = [&](std::int64_t id) {
    auto got = store.remediation(id);
    EXPECT_TRUE(got) << got.error().message;
    std::vector<Cell> out;
    for (const auto& c : *got) out.emplace_back(c.scan_id, c.recipient_id, c.arm, c.covered, c.present);
    return out;
  };
  const std::vector<Cell> want{
      {s1, 1, CampaignArm::treatment, 3, 1}, {s1, 2, CampaignArm::control, 2, 1}, {s1, 4, CampaignArm::treatment, 0, 0},
      {s2, 1, CampaignArm::treatment, 2, 1}, {s2, 2, CampaignArm::control, 1, 1}, {s2, 4, CampaignArm::treatment, 0, 0},
  };
  EXPECT_EQ(cells(labelled), want);
  auto unlabelled = want;
  std::get<4>(unlabelled[0]) = 2;  // B counts without a label filter
  EXPECT_EQ(cells(any), unlabelled);

  auto got = store.remediation(labelled);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->front().scan_started, test::utc(2026, 3, 1));
  auto none = store.remediation(any + 100);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  (void)s3;
}

// 100k exposures in one campaign: COPY keeps this to seconds (the time is
// printed, not asserted).
TEST(CampaignStore, CreatesALargeCampaign) {
  TestDatabase database;
  auto session = database.session();
  CampaignStore store(session);
  std::vector<NewRecipient> people;
  constexpr int kRecipients = 1000;
  constexpr int kPerRecipient = 100;
  for (int r = 0; r < kRecipients; ++r) {
    std::vector<ExposureItem> items;
    for (int i = 0; i < kPerRecipient; ++i) {
      const int n = r * kPerRecipient + i;
      items.push_back(exposure(fmt::format("10.{}.{}.{}", n >> 16, (n >> 8) & 255, n & 255), 1723, {kVpn}));
    }
    const bool treated = r % 4 != 0;
    people.push_back(recipient(fmt::format("abuse{}@example.jp", r),
                               treated ? CampaignArm::treatment : CampaignArm::control, treated ? 0.5 : 0.1,
                               std::move(items), treated ? fmt::format("big-{}@fumidai.localhost", r) : ""));
  }
  const auto started = std::chrono::steady_clock::now();
  auto id = store.create(campaign("large", std::move(people)));
  const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_TRUE(id) << id.error().message;
  std::printf("create: %d recipients, %d exposures, %d letters in %.2f s\n", kRecipients, kRecipients * kPerRecipient,
              kRecipients * 3 / 4, took);
  auto s = store.get(*id);
  ASSERT_TRUE(s && *s);
  EXPECT_EQ((*s)->exposures_by_arm.at("treatment"), 75000);
  EXPECT_EQ((*s)->exposures_by_arm.at("control"), 25000);
  EXPECT_EQ((*s)->letters_by_state.at("queued"), 750);

  // Remediation over all of it, after one scan that covered everything and
  // still saw the first recipient's hosts.
  database.exec("UPDATE campaigns SET created = '2026-02-01T00:00:00Z'");
  test::ScanFixture scans(database);
  const auto later = scans.scan({"2026-03-01T00:00:00Z", {"10.0.0.0/8"}, {1723}});
  std::vector<test::Observation> seen;
  for (int i = 0; i < kPerRecipient; ++i) {
    test::Observation o;
    o.ip = fmt::format("10.0.0.{}", i);
    o.port = 1723;
    o.labels = {kVpn};
    seen.push_back(o);
  }
  scans.observe(later, seen);
  scans.finalize(later);
  const auto measured = std::chrono::steady_clock::now();
  auto cells = store.remediation(*id);
  const auto measure_took = std::chrono::duration<double>(std::chrono::steady_clock::now() - measured).count();
  ASSERT_TRUE(cells) << cells.error().message;
  std::printf("remediation: %zu cells over %d exposures in %.2f s\n", cells->size(), kRecipients * kPerRecipient,
              measure_took);
  ASSERT_EQ(cells->size(), static_cast<std::size_t>(kRecipients));
  EXPECT_EQ(cells->front().covered, kPerRecipient);
  EXPECT_EQ(cells->front().present, kPerRecipient);
  EXPECT_EQ((*cells)[1].covered, kPerRecipient);
  EXPECT_EQ((*cells)[1].present, 0);
}

}  // namespace
}  // namespace fumidai::db
