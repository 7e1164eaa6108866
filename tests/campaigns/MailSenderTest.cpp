// Delivery of campaign letters and opt-out verifications through a real SMTP
// server on 127.0.0.1 (Debian's aiosmtpd, tests/mail/smtp_sink.py), as
// `fumidai campaign send` and `fumidai optouts send` run it.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <regex>

#include "LabCampaignFixture.h"
#include "SinkProcess.h"
#include "fumidai/campaigns/MailSender.h"
#include "fumidai/db/CampaignStore.h"
#include "fumidai/db/MailOutbox.h"
#include "fumidai/db/OptoutStore.h"

namespace fumidai::campaigns {
namespace {

using mail::test::SinkProcess;

class Delivery : public test::LabCampaignFixture {
 protected:
  std::int64_t make_campaign() {
    auto session = database.session();
    auto created = service->create(session, jp_vpn_routers("en"), {}, {std::nullopt, "cli"});
    EXPECT_TRUE(created) << created.error().message;
    return created ? created->summary.id : 0;
  }

  static mail::SmtpSettings relay(std::uint16_t port) {
    mail::SmtpSettings s;
    s.port = port;
    s.timeout = std::chrono::milliseconds(10000);
    return s;
  }

  Result<SendReport> send(std::uint16_t port, std::optional<std::int64_t> campaign, SendPolicy policy = {},
                          db::MailKind kind = db::MailKind::letter) {
    auto session = database.session();
    return MailSender(relay(port), policy, clock).run(session, {campaign, kind, false});
  }

  std::map<std::string, db::CampaignLetter> letters_by_address(std::int64_t campaign) {
    auto session = database.session();
    auto letters = db::CampaignStore(session).letters(campaign);
    EXPECT_TRUE(letters);
    std::map<std::string, db::CampaignLetter> out;
    for (auto& l : *letters) out[l.mail.envelope_to] = l;
    return out;
  }
};

// A port nobody listens on: bound, then closed.
std::uint16_t closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

TEST_F(Delivery, DeliversEachLetterOnceEvenWhenRunTwice) {
  const auto campaign = make_campaign();
  SinkProcess sink({});
  ASSERT_NE(sink.port(), 0);
  auto once = send(sink.port(), campaign);
  ASSERT_TRUE(once) << once.error().message;
  EXPECT_EQ(once->sent, 3);
  EXPECT_EQ(once->states_after.at("sent"), 3);
  auto second = send(sink.port(), campaign);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->sent, 0);
  const auto arrived = sink.messages();
  ASSERT_EQ(arrived.size(), 3u);
  std::set<std::string> to;
  for (const auto& m : arrived) {
    to.insert(std::string(m.at("rcpt_tos").as_array().at(0).as_string()));
    EXPECT_EQ(m.at("mail_from"), "cert@fumidai.example");
    EXPECT_TRUE(m.at("message").at("defects").as_array().empty());
    EXPECT_EQ(m.at("message").at("attachments").as_array().size(), 1u);
  }
  EXPECT_EQ(to, (std::set<std::string>{"abuse@kumo-bb.example.jp", "abuse@sakura-hikari.example.jp",
                                       "security@minato-biz.example.jp"}));
  for (const auto& [address, letter] : letters_by_address(campaign)) {
    EXPECT_EQ(letter.mail.state, db::MailState::sent) << address;
    EXPECT_EQ(letter.mail.attempts, 1);
    EXPECT_NE(letter.mail.last_reply.find("250"), std::string::npos) << letter.mail.last_reply;
  }
}

TEST_F(Delivery, ARelayThatIsDownLeavesLettersQueuedWithTheReasonThenRetries) {
  const auto campaign = make_campaign();
  SendPolicy policy;
  policy.backoff = std::chrono::seconds(60);
  auto down = send(closed_port(), campaign, policy);
  ASSERT_TRUE(down) << down.error().message;
  EXPECT_EQ(down->sent, 0);
  EXPECT_EQ(down->retrying, 3);
  for (const auto& [address, letter] : letters_by_address(campaign)) {
    EXPECT_EQ(letter.mail.state, db::MailState::queued) << address;
    EXPECT_EQ(letter.mail.attempts, 1);
    EXPECT_FALSE(letter.mail.in_doubt);
    EXPECT_FALSE(letter.mail.last_reply.empty());
  }
  SinkProcess sink({});
  ASSERT_NE(sink.port(), 0);
  // Not yet due: the backoff has not passed.
  auto early = send(sink.port(), campaign, policy);
  ASSERT_TRUE(early);
  EXPECT_EQ(early->sent, 0);
  clock.advance(std::chrono::seconds(61));
  auto later = send(sink.port(), campaign, policy);
  ASSERT_TRUE(later) << later.error().message;
  EXPECT_EQ(later->sent, 3);
  EXPECT_EQ(sink.messages().size(), 3u);
}

TEST_F(Delivery, RejectionsFailWithTheRelaysReplyAndTemporaryOnesGiveUpAfterMaxAttempts) {
  const auto campaign = make_campaign();
  SinkProcess sink({"--reject-550", "abuse@kumo-bb.example.jp", "--reject-451", "abuse@sakura-hikari.example.jp"});
  ASSERT_NE(sink.port(), 0);
  SendPolicy policy;
  policy.max_attempts = 2;
  policy.backoff = std::chrono::seconds(10);
  policy.until_done = true;  // waits out the backoff on the (manual) clock
  auto sent = send(sink.port(), campaign, policy);
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(sent->sent, 1);
  const auto letters = letters_by_address(campaign);
  const auto& kumo = letters.at("abuse@kumo-bb.example.jp").mail;
  EXPECT_EQ(kumo.state, db::MailState::failed);
  EXPECT_EQ(kumo.attempts, 1);
  EXPECT_NE(kumo.last_reply.find("550 5.1.1"), std::string::npos) << kumo.last_reply;
  const auto& sakura = letters.at("abuse@sakura-hikari.example.jp").mail;
  EXPECT_EQ(sakura.state, db::MailState::failed);
  EXPECT_EQ(sakura.attempts, 2);
  EXPECT_NE(sakura.last_reply.find("451 4.3.0"), std::string::npos) << sakura.last_reply;
  EXPECT_NE(sakura.last_reply.find("gave up after 2 attempts"), std::string::npos) << sakura.last_reply;
  EXPECT_EQ(letters.at("security@minato-biz.example.jp").mail.state, db::MailState::sent);
  EXPECT_EQ(sink.messages().size(), 1u);
}

TEST_F(Delivery, OptOutIsVerifiedThroughTheTokenMailedToTheAbuseContact) {
  auto session = database.session();
  auto requested = service->request_optout(session, "198.19.0.32/29", "noc@kumo-bb.example.jp", "we handle it");
  ASSERT_TRUE(requested) << requested.error().message;
  EXPECT_EQ(requested->verify_to, "abuse@kumo-bb.example.jp");
  EXPECT_EQ(requested->state, db::OptoutState::pending);
  auto pending = db::OptoutStore(session).verified_prefixes();
  ASSERT_TRUE(pending);
  EXPECT_TRUE(pending->empty());  // not before it is confirmed

  SinkProcess sink({});
  ASSERT_NE(sink.port(), 0);
  auto sent = send(sink.port(), std::nullopt, {}, db::MailKind::optout_verification);
  ASSERT_TRUE(sent) << sent.error().message;
  ASSERT_EQ(sink.messages().size(), 1u);
  const auto message = sink.messages().front();
  EXPECT_EQ(message.at("rcpt_tos").as_array().at(0), "abuse@kumo-bb.example.jp");
  const std::string text(message.at("message").at("text").as_string());
  std::smatch link;
  ASSERT_TRUE(std::regex_search(text, link, std::regex("https://fumidai\\.example/v1/optouts/verify/([0-9a-f]+)")))
      << text;
  EXPECT_FALSE(db::OptoutStore(session).verify("0" + link[1].str(), clock_time()).value().has_value());
  auto verified = db::OptoutStore(session).verify(link[1].str(), clock_time());
  ASSERT_TRUE(verified && *verified);
  EXPECT_EQ((*verified)->state, db::OptoutState::verified);
  EXPECT_EQ(db::OptoutStore(session).verified_prefixes().value(), std::vector<std::string>{"198.19.0.32/29"});

  // A campaign made now leaves Kumo's routers out.
  auto created = service->create(session, jp_vpn_routers("en"), {}, {std::nullopt, "cli"});
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->summary.excluded_optout, 2);
}

TEST_F(Delivery, AnOptOutForANetworkWithoutAContactIsRefused) {
  auto session = database.session();
  auto refused = service->request_optout(session, "203.0.113.0/24", "someone@example.net", "no");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, Error::Kind::invalid_input);
  EXPECT_NE(refused.error().message.find("no abuse contact"), std::string::npos) << refused.error().message;
  auto bad = service->request_optout(session, "198.19.0.33/29", "someone@example.net", "host bits");
  EXPECT_FALSE(bad);
}

}  // namespace
}  // namespace fumidai::campaigns
