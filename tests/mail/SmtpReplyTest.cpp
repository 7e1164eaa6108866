#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "fumidai/mail/SmtpReply.h"

namespace fumidai::mail {
namespace {

std::span<const std::uint8_t> bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

TEST(SmtpReply, ParsesSingleAndMultiLineReplies) {
  const struct {
    std::string input;
    int code;
    std::vector<std::string> lines;
    std::size_t consumed;
  } cases[] = {
      {"220 mx.example.jp ESMTP Postfix\r\n", 220, {"mx.example.jp ESMTP Postfix"}, 33},
      {"250-mx.example.jp\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n",
       250,
       {"mx.example.jp", "PIPELINING", "STARTTLS", "8BITMIME"},
       63},
      {"250\r\n", 250, {""}, 5},
      {"550 5.1.1 <x@example.jp>: no such user\n", 550, {"5.1.1 <x@example.jp>: no such user"}, 39},
      {"354 go ahead\r\n250 next reply\r\n", 354, {"go ahead"}, 14},
  };
  for (const auto& c : cases) {
    SmtpReplyParser parser;
    const auto consumed = parser.feed(bytes(c.input));
    ASSERT_TRUE(consumed) << c.input << consumed.error().message;
    EXPECT_EQ(*consumed, c.consumed) << c.input;
    ASSERT_TRUE(parser.complete()) << c.input;
    EXPECT_EQ(parser.reply().code, c.code);
    EXPECT_EQ(parser.reply().lines, c.lines);
  }
}

TEST(SmtpReply, ByteByByteEqualsWhole) {
  const std::string input = "250-first\r\n250-second\r\n250 last\r\n";
  SmtpReplyParser parser;
  for (std::size_t i = 0; i < input.size(); ++i) {
    ASSERT_FALSE(parser.complete());
    ASSERT_EQ(parser.feed(bytes(std::string_view(input).substr(i, 1))).value(), 1u);
  }
  ASSERT_TRUE(parser.complete());
  EXPECT_EQ(parser.reply().text(), "250 first second last");
  parser.reset();
  EXPECT_FALSE(parser.complete());
}

TEST(SmtpReply, TextIsPrintableAscii) {
  SmtpReply reply{550, {"5.1.1 <x>: no such user", "bad\x1b[31m \xff"}};
  EXPECT_EQ(reply.text(), "550 5.1.1 <x>: no such user bad?[31m ?");
}

TEST(SmtpReply, RejectsWhatIsNotAReply) {
  const struct {
    std::string input;
    const char* reason;
  } cases[] = {
      {"HTTP/1.1 200 OK\r\n", "not an SMTP reply line"},
      {"150 ok\r\n", "not an SMTP reply line"},
      {"260 ok\r\n", "not an SMTP reply line"},
      {"25\r\n", "not an SMTP reply line"},
      {"250x\r\n", "not an SMTP reply line"},
      {"250-a\r\n251 b\r\n", "continues a 250 reply"},
      {"250 " + std::string(997, 'x') + "\r\n", "longer than 1000 bytes"},
      {std::string(1001, '2'), "longer than 1000 bytes"},
  };
  for (const auto& c : cases) {
    SmtpReplyParser parser;
    const auto consumed = parser.feed(bytes(c.input));
    ASSERT_FALSE(consumed) << c.input;
    EXPECT_NE(consumed.error().message.find(c.reason), std::string::npos) << consumed.error().message;
    EXPECT_FALSE(parser.feed(bytes("250 ok\r\n"))) << "an error sticks";
  }
  std::string lines;
  for (int i = 0; i < 100; ++i) lines += "250-line\r\n";
  SmtpReplyParser parser;
  const auto consumed = parser.feed(bytes(lines + "250 end\r\n"));
  ASSERT_FALSE(consumed);
  EXPECT_NE(consumed.error().message.find("longer than 100 lines"), std::string::npos);
  SmtpReplyParser exact;
  EXPECT_TRUE(exact.feed(bytes("250 " + std::string(994, 'x') + "\r\n")));  // 1000 bytes with CRLF
  EXPECT_TRUE(exact.complete());
}

}  // namespace
}  // namespace fumidai::mail
