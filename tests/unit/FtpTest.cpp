#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/scanner/probes/ftp/FtpReplyParser.h"
#include "fumidai/scanner/probes/text/SafeText.h"

using namespace fumidai::scanner;
using namespace std::string_literals;
using namespace std::string_view_literals;

namespace {

// Captured from a real daemon on 127.0.0.1: the exact bytes it sent.
// vsftpd 3.0.3 (Debian 12), listen_address=127.0.0.1 listen_port=2121, anonymous_enable=YES.
constexpr std::string_view kVsftpd = "220 (vsFTPd 3.0.3)\r\n"sv;
// The same with banner_file= a two-line text file.
constexpr std::string_view kVsftpdBannerFile =
    "220-Welcome to the fumidai test FTP.\r\n"
    "220-Second line of the banner.\r\n"
    "220 \r\n"sv;
// The same with anonymous_enable=NO and local_enable=NO: it refuses every connection.
constexpr std::string_view kVsftpdRefusing = "500 OOPS: vsftpd: both local and anonymous access disabled!\r\n"sv;

std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

struct Outcome {
  bool complete = false;
  std::string error;  // empty: none
  std::size_t consumed = 0;
  FtpReply reply;
  bool operator==(const Outcome&) const = default;
};

// Feeds `input` cut at `cuts` (sorted offsets), stopping at the first error.
Outcome run(std::string_view input, const std::vector<std::size_t>& cuts = {}) {
  FtpReplyParser parser;
  Outcome out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= cuts.size(); ++i) {
    const std::size_t end = i < cuts.size() ? cuts[i] : input.size();
    const auto consumed = parser.feed(bytes(input.substr(start, end - start)));
    start = end;
    if (!consumed) {
      out.error = consumed.error().message;
      out.consumed = 0;  // what earlier pieces consumed depends on the split
      break;
    }
    out.consumed += *consumed;
  }
  out.complete = parser.complete();
  out.reply = parser.reply();
  return out;
}

Outcome run_in_pieces(std::string_view input) {
  const Outcome whole = run(input);
  std::vector<std::size_t> every_byte(input.size());
  for (std::size_t i = 0; i < input.size(); ++i) every_byte[i] = i;
  EXPECT_EQ(run(input, every_byte), whole) << "one byte at a time";
  std::mt19937 rng(959);
  for (int round = 0; round < 20; ++round) {
    std::vector<std::size_t> cuts;
    std::uniform_int_distribution<std::size_t> at(0, input.size());
    for (int n = round % 7 + 1; n > 0; --n) cuts.push_back(at(rng));
    std::sort(cuts.begin(), cuts.end());
    EXPECT_EQ(run(input, cuts), whole) << "random pieces, round " << round;
  }
  return whole;
}

using Lines = std::vector<std::string>;

}  // namespace

TEST(FtpReplyParser, ReadsVsftpdGreeting) {
  const Outcome out = run_in_pieces(kVsftpd);
  EXPECT_EQ(out.error, "");
  EXPECT_TRUE(out.complete);
  EXPECT_EQ(out.consumed, kVsftpd.size());
  EXPECT_EQ(out.reply.code, 220);
  EXPECT_EQ(out.reply.lines, Lines{"(vsFTPd 3.0.3)"});
}

TEST(FtpReplyParser, ReadsMultiLineGreeting) {
  const Outcome out = run_in_pieces(kVsftpdBannerFile);
  EXPECT_EQ(out.error, "");
  EXPECT_TRUE(out.complete);
  EXPECT_EQ(out.reply.code, 220);
  EXPECT_EQ(out.reply.lines, (Lines{"Welcome to the fumidai test FTP.", "Second line of the banner.", ""}));
}

TEST(FtpReplyParser, ReadsARefusal) {
  const Outcome out = run_in_pieces(kVsftpdRefusing);
  EXPECT_TRUE(out.complete);
  EXPECT_EQ(out.reply.code, 500);
  EXPECT_EQ(out.reply.lines, Lines{"OOPS: vsftpd: both local and anonymous access disabled!"});
}

TEST(FtpReplyParser, FollowsRfc959MultiLineRules) {
  // Lines in between may start with anything, even another code and a space
  // or the same code without one; only "230 " ends the reply.
  const std::string input =
      "230-First\n"
      "  indented\r\n"
      "220 other code\n"
      "2300 digits\n"
      "230-repeated prefix\n"
      "230 Last\r\n";
  const Outcome out = run_in_pieces(input);
  EXPECT_EQ(out.error, "");
  EXPECT_TRUE(out.complete);
  EXPECT_EQ(out.reply.code, 230);
  EXPECT_EQ(out.reply.lines,
            (Lines{"First", "  indented", "220 other code", "2300 digits", "repeated prefix", "Last"}));
}

TEST(FtpReplyParser, AcceptsACodeWithoutText) {
  const Outcome out = run_in_pieces("220\r\n");
  EXPECT_TRUE(out.complete);
  EXPECT_EQ(out.reply.lines, Lines{""});
  const Outcome multi = run_in_pieces("220-a\n220\n");
  EXPECT_TRUE(multi.complete);
  EXPECT_EQ(multi.reply.lines, (Lines{"a", ""}));
}

TEST(FtpReplyParser, StopsAtTheEndOfTheReplyAndReadsTheNextAfterReset) {
  const std::string_view input = "120 Ready in 5 minutes\r\n220 Ready\r\n";
  FtpReplyParser parser;
  const auto first = parser.feed(bytes(input));
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, 24u);
  EXPECT_TRUE(parser.complete());
  EXPECT_EQ(parser.reply().code, 120);
  EXPECT_EQ(*parser.feed(bytes(input.substr(*first))), 0u);  // complete: nothing more until reset()
  parser.reset();
  EXPECT_FALSE(parser.complete());
  EXPECT_EQ(*parser.feed(bytes(input.substr(*first))), input.size() - 24);
  EXPECT_EQ(parser.reply(), (FtpReply{220, {"Ready"}}));
}

TEST(FtpReplyParser, RejectsWhatIsNotAReply) {
  const std::string prefix = "ftp: not an FTP reply (no code 100-599 at the start): ";
  EXPECT_EQ(run("SSH-2.0-OpenSSH_9.2p1\r\n").error, prefix + "\"S\"");  // at the first byte
  EXPECT_EQ(run("HTTP/1.1 400 Bad Request\r\n").error, prefix + "\"H\"");
  EXPECT_EQ(run("600 no\r\n").error, prefix + "\"6\"");
  EXPECT_EQ(run("099 no\r\n").error, prefix + "\"0\"");
  EXPECT_EQ(run("2x0 no\r\n").error, prefix + "\"2x\"");
  EXPECT_EQ(run("2200 no\r\n").error, prefix + "\"2200\"");
  EXPECT_EQ(run("\r\n220 late\r\n").error, prefix + "\"\\x0d\"");
  EXPECT_EQ(run("\n220 late\r\n").error, prefix + "\"\"");
  EXPECT_EQ(run("22\r\n").error, prefix + "\"22\\x0d\"");
  EXPECT_EQ(run("220\rX\r\n").error, prefix + "\"220\\x0dX\"");
  EXPECT_EQ(run("\x00\xff"s).error, prefix + "\"\\x00\"");
  // Judged on the first bytes even when the line is also too long.
  EXPECT_EQ(run_in_pieces("X" + std::string(3000, 'x')).error, prefix + "\"X\"");
  EXPECT_EQ(run_in_pieces("220" + std::string(3000, 'x')).error, prefix + "\"220x\"");
}

TEST(FtpReplyParser, LimitsLineLengthAndLineCount) {
  const std::string longest(FtpReplyParser::kMaxLineBytes - 4, 'x');
  EXPECT_TRUE(run("220 " + longest + "\r\n").complete);
  EXPECT_TRUE(run("220 " + longest + "\n").complete);
  EXPECT_EQ(run("220 " + longest + "x\r\n").error, "ftp: reply line longer than 2048 bytes");
  EXPECT_EQ(run("220 " + longest + "x\n").error, "ftp: reply line longer than 2048 bytes");
  EXPECT_EQ(run("220 " + std::string(1 << 20, 'x')).error, "ftp: reply line longer than 2048 bytes");
  EXPECT_EQ(run("220-" + std::string(1 << 20, '\0')).error, "ftp: reply line longer than 2048 bytes");

  std::string lines = "220-first\r\n";
  for (std::size_t i = 2; i < FtpReplyParser::kMaxLines; ++i) lines += "more\r\n";
  EXPECT_TRUE(run(lines + "220 last\r\n").complete);
  EXPECT_EQ(run(lines + "more\r\n220 last\r\n").error, "ftp: multi-line reply longer than 128 lines");
}

TEST(FtpReplyParser, KeepsRawBytesAndErrorsStick) {
  const Outcome raw = run("220 caf\xe9\x00\xff\r\n"s);
  EXPECT_EQ(raw.reply.lines, Lines{"caf\xe9\x00\xff"s});
  FtpReplyParser parser;
  EXPECT_FALSE(parser.feed(bytes("HTTP")));
  const auto again = parser.feed(bytes("220 ok\r\n"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, "ftp: not an FTP reply (no code 100-599 at the start): \"H\"");
  parser.reset();
  EXPECT_EQ(*parser.feed(bytes("220 ok\r\n")), 8u);
}

// The shared text helper; its callers are the probes' outputs and errors.
TEST(SafeText, KeepsValidUtf8) {
  const std::string valid =
      "plain \t\r\n\x01\x7f caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbf \xf4\x8f\xbf\xbf";
  EXPECT_EQ(json_safe_text(valid), valid);
  EXPECT_EQ(json_safe_text(""), "");
}

TEST(SafeText, ReplacesMaximalSubpartsAndNul) {
  const std::string r = "\xef\xbf\xbd";
  // The example of Unicode 15, section 3.9 ("U+FFFD Substitution of Maximal Subparts").
  EXPECT_EQ(json_safe_text("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64"),
            "a" + r + r + r + "b" + r + "c" + r + r + "d");
  EXPECT_EQ(json_safe_text("a\0b"s), "a" + r + "b");
  EXPECT_EQ(json_safe_text("\xc0\xaf"), r + r);                  // overlong '/'
  EXPECT_EQ(json_safe_text("\xed\xa0\x80"), r + r + r);          // a surrogate
  EXPECT_EQ(json_safe_text("\xf4\x90\x80\x80"), r + r + r + r);  // above U+10FFFF
  EXPECT_EQ(json_safe_text("\xf5\xff\xfe"), r + r + r);
  EXPECT_EQ(json_safe_text("x\xe2\x82"), "x" + r);  // cut at the end
  EXPECT_EQ(json_safe_text("\xe2\x82x"), r + "x");
}

TEST(SafeText, QuotesBytesForMessages) {
  EXPECT_EQ(quote_bytes("a\"b\\c\r\n\x00\xff"s), "\"a\\\"b\\\\c\\x0d\\x0a\\x00\\xff\"");
  EXPECT_EQ(quote_bytes("abcdef", 3), "\"abc\"...");
  EXPECT_EQ(quote_bytes("abc", 3), "\"abc\"");
}
