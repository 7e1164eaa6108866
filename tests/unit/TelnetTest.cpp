#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/scanner/probes/telnet/TelnetNegotiator.h"

using namespace fumidai::scanner;
using namespace std::string_literals;
using namespace std::string_view_literals;

namespace {

// Captured from a real daemon on 127.0.0.1: the exact bytes it sent.
// BusyBox 1.35.0 telnetd -l /bin/login on 127.0.0.1 (Debian 12, host "vm"), answered as TelnetNegotiator does.
constexpr std::string_view kBusyboxLogin =
    "\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x01\xff\xfb\x03\r\r\n"
    "Debian GNU/Linux 12\r\n"
    "\rvm login: "sv;
// The same telnetd running a script that prints a Cisco-style password prompt.
constexpr std::string_view kBusyboxPassword =
    "\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x01\xff\xfb\x03\r\r\n"
    "Debian GNU/Linux 12\r\n"
    "\r\r\n"
    "\r\n"
    "User Access Verification\r\n"
    "\r\n"
    "Password: "sv;

constexpr std::uint8_t kIac = TelnetNegotiator::kIac, kWill = TelnetNegotiator::kWill, kWont = TelnetNegotiator::kWont,
                       kDo = TelnetNegotiator::kDo, kDont = TelnetNegotiator::kDont;

std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

struct Outcome {
  std::string banner;
  bool banner_truncated = false;
  std::vector<TelnetOptionRequest> options;
  std::vector<std::uint8_t> reply;  // everything sent back, in order
  TelnetPrompt prompt = TelnetPrompt::none;
  bool operator==(const Outcome&) const = default;
};

// Feeds `input` cut at `cuts` (sorted offsets), collecting the replies the
// way a connection loop would: into one buffer, cleared after each send.
Outcome run(std::string_view input, const std::vector<std::size_t>& cuts = {}) {
  TelnetNegotiator telnet;
  Outcome out;
  std::vector<std::uint8_t> reply;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= cuts.size(); ++i) {
    const std::size_t end = i < cuts.size() ? cuts[i] : input.size();
    telnet.feed(bytes(input.substr(start, end - start)), reply);
    start = end;
    out.reply.insert(out.reply.end(), reply.begin(), reply.end());
    reply.clear();
  }
  out.banner = telnet.banner();
  out.banner_truncated = telnet.banner_truncated();
  out.options = telnet.option_requests();
  out.prompt = telnet.prompt();
  return out;
}

Outcome run_in_pieces(std::string_view input) {
  const Outcome whole = run(input);
  std::vector<std::size_t> every_byte(input.size());
  for (std::size_t i = 0; i < input.size(); ++i) every_byte[i] = i;
  EXPECT_EQ(run(input, every_byte), whole) << "one byte at a time";
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    std::vector<std::size_t> cuts;
    std::uniform_int_distribution<std::size_t> at(0, input.size());
    for (int n = round % 7 + 1; n > 0; --n) cuts.push_back(at(rng));
    std::sort(cuts.begin(), cuts.end());
    EXPECT_EQ(run(input, cuts), whole) << "random pieces, round " << round;
  }
  return whole;
}

std::string iac(std::initializer_list<std::uint8_t> command) {
  std::string out(1, static_cast<char>(kIac));
  for (const std::uint8_t b : command) out += static_cast<char>(b);
  return out;
}

TelnetPrompt prompt_after(std::string_view data) { return run(data).prompt; }

}  // namespace

TEST(TelnetNegotiator, RefusesBusyboxOptionsAndFindsItsLoginPrompt) {
  const Outcome out = run_in_pieces(kBusyboxLogin);
  EXPECT_EQ(out.banner, "\r\r\nDebian GNU/Linux 12\r\n\rvm login: ");
  EXPECT_FALSE(out.banner_truncated);
  // What the capture client sent back, and the daemon went on with.
  const std::vector<std::uint8_t> sent = {kIac, kWont, 1, kIac, kWont, 31, kIac, kDont, 1, kIac, kDont, 3};
  EXPECT_EQ(out.reply, sent);
  EXPECT_EQ(out.options, (std::vector<TelnetOptionRequest>{{kDo, 1}, {kDo, 31}, {kWill, 1}, {kWill, 3}}));
  EXPECT_EQ(out.prompt, TelnetPrompt::login);
}

TEST(TelnetNegotiator, FindsAPasswordPrompt) {
  const Outcome out = run_in_pieces(kBusyboxPassword);
  EXPECT_EQ(out.prompt, TelnetPrompt::password);
  EXPECT_NE(out.banner.find("User Access Verification"), std::string::npos);
}

TEST(TelnetNegotiator, AnswersEachRequestOnceAndNeverDontOrWont) {
  std::string input = iac({kDo, 24}) + iac({kDo, 24}) + iac({kWill, 24}) + iac({kDont, 24}) + iac({kWont, 5}) +
                      iac({kWill, 24}) + iac({kDo, 24});
  const Outcome out = run_in_pieces(input);
  EXPECT_EQ(out.reply, (std::vector<std::uint8_t>{kIac, kWont, 24, kIac, kDont, 24}));
  EXPECT_EQ(out.options, (std::vector<TelnetOptionRequest>{{kDo, 24}, {kWill, 24}, {kDont, 24}, {kWont, 5}}));
  EXPECT_EQ(out.banner, "");
}

TEST(TelnetNegotiator, SurvivesAnOptionStorm) {
  // A megabyte of every kind of request for every option, over and over.
  std::string storm;
  for (int round = 0; storm.size() < (1u << 20); ++round)
    for (int option = 0; option < 256; ++option)
      storm += iac({static_cast<std::uint8_t>(kWill + round % 4), static_cast<std::uint8_t>(option)});
  storm += "login: ";
  TelnetNegotiator telnet;
  std::vector<std::uint8_t> reply;
  telnet.feed(bytes(storm), reply);
  EXPECT_EQ(reply.size(), 2u * 256 * 3);  // one answer per DO x and per WILL x
  EXPECT_EQ(telnet.option_requests().size(), 4u * 256);
  EXPECT_EQ(telnet.banner(), "login: ");
  EXPECT_EQ(telnet.prompt(), TelnetPrompt::login);
  reply.clear();
  telnet.feed(bytes(storm), reply);
  EXPECT_TRUE(reply.empty());
}

TEST(TelnetNegotiator, DoubledIacIsData) {
  const Outcome out = run_in_pieces("a" + iac({kIac}) + "b" + iac({kIac}) + iac({kIac}));
  EXPECT_EQ(out.banner,
            "a\xff"
            "b\xff\xff");
  EXPECT_TRUE(out.reply.empty());
}

TEST(TelnetNegotiator, SkipsSubnegotiationsAndOtherCommands) {
  constexpr std::uint8_t kSb = TelnetNegotiator::kSb, kSe = TelnetNegotiator::kSe;
  constexpr std::uint8_t kNop = 241, kGa = 249, kAyt = 246, kUnassigned = 17;
  std::string input = "one " + iac({kSb, 24, 1}) + "x" + iac({kIac}) + "y" + iac({kSe}) + "two " + iac({kNop}) +
                      iac({kGa}) + iac({kAyt}) + iac({kUnassigned}) + iac({kSe}) + "three";
  const Outcome out = run_in_pieces(input);
  EXPECT_EQ(out.banner, "one two three");
  EXPECT_TRUE(out.reply.empty());
  EXPECT_TRUE(out.options.empty());
}

TEST(TelnetNegotiator, ActsOnACommandThatCutsASubnegotiationShort) {
  const Outcome out = run_in_pieces(iac({TelnetNegotiator::kSb, 31}) + "junk" + iac({kDo, 3}) + "banner");
  EXPECT_EQ(out.reply, (std::vector<std::uint8_t>{kIac, kWont, 3}));
  EXPECT_EQ(out.banner, "banner");
}

TEST(TelnetNegotiator, SkipsAnEndlessSubnegotiationWithoutKeepingIt) {
  TelnetNegotiator telnet;
  std::vector<std::uint8_t> reply;
  telnet.feed(bytes(iac({TelnetNegotiator::kSb, 24}) + std::string(1 << 20, 'x')), reply);
  EXPECT_EQ(telnet.banner(), "");
  telnet.feed(bytes(iac({TelnetNegotiator::kSe}) + "after"), reply);
  EXPECT_EQ(telnet.banner(), "after");
}

TEST(TelnetNegotiator, CrNulIsCrAndOtherNulsStay) {
  const Outcome out = run_in_pieces("a\r\0b\0c\r\n\0"s);
  EXPECT_EQ(out.banner, "a\rb\0c\r\n\0"s);
}

TEST(TelnetNegotiator, KeepsTheBannerStartButSeesThePromptAtTheEnd) {
  const std::string megabyte = std::string(1 << 20, 'A') + "\r\nUsername: ";
  const Outcome out = run(megabyte);
  EXPECT_EQ(out.banner, std::string(TelnetNegotiator::kMaxBannerBytes, 'A'));
  EXPECT_TRUE(out.banner_truncated);
  EXPECT_EQ(out.prompt, TelnetPrompt::login);
  const Outcome exact = run(std::string(TelnetNegotiator::kMaxBannerBytes, 'A'));
  EXPECT_FALSE(exact.banner_truncated);
}

TEST(TelnetNegotiator, RecognisesPrompts) {
  EXPECT_EQ(prompt_after("router login:"), TelnetPrompt::login);
  EXPECT_EQ(prompt_after("Username: "), TelnetPrompt::login);
  EXPECT_EQ(prompt_after("USER NAME:\t"), TelnetPrompt::login);
  EXPECT_EQ(prompt_after("login as: "), TelnetPrompt::login);
  EXPECT_EQ(prompt_after("User:"), TelnetPrompt::login);
  EXPECT_EQ(prompt_after("Account:"), TelnetPrompt::login);
  EXPECT_EQ(prompt_after("\r\nPassword: \r\n"), TelnetPrompt::password);
  EXPECT_EQ(prompt_after("PASSWD:"), TelnetPrompt::password);
  EXPECT_EQ(prompt_after("Enter passcode:\0"s), TelnetPrompt::password);
  EXPECT_EQ(prompt_after(""), TelnetPrompt::none);
  EXPECT_EQ(prompt_after("   \r\n"), TelnetPrompt::none);
  EXPECT_EQ(prompt_after("Last login: Mon Jan  1 00:00:00 2024"), TelnetPrompt::none);
  EXPECT_EQ(prompt_after("BusyBox v1.35 built-in shell\r\n# "), TelnetPrompt::none);
  EXPECT_EQ(prompt_after("login"), TelnetPrompt::none);
}
