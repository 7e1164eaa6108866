#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "MailTestMessages.h"
#include "fumidai/mail/MimeMessage.h"

namespace fumidai::mail {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find("\r\n", start);
    if (end == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

std::string header_section(const std::string& message) { return message.substr(0, message.find("\r\n\r\n") + 2); }

TEST(MimeMessage, RendersTheHeadersAndParts) {
  const auto rendered = render_message(test::ascii_letter());
  ASSERT_TRUE(rendered) << rendered.error().message;
  const std::string& m = *rendered;
  EXPECT_TRUE(m.starts_with("Date: Fri, 27 Nov 2026 21:11:01 +0000\r\n")) << m;
  EXPECT_NE(m.find("\r\nFrom: fumidai CERT <cert@fumidai.example>\r\n"), std::string::npos) << m;
  EXPECT_NE(m.find("\r\nTo: abuse@example.jp\r\n"), std::string::npos);
  EXPECT_NE(m.find("\r\nSubject: Routers with VPN servers exposed in your network\r\n"), std::string::npos);
  EXPECT_NE(m.find("\r\nMessage-ID: <c1.r1@fumidai.example>\r\n"), std::string::npos);
  EXPECT_NE(m.find("\r\nMIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n"), std::string::npos);
  EXPECT_NE(m.find("\r\nX-Fumidai-Campaign: 1\r\n"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: multipart/mixed;\r\n boundary=\"=_fumidai_"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n"),
            std::string::npos);
  EXPECT_NE(m.find("Content-Disposition: attachment; filename=\"hosts.csv\"\r\n"), std::string::npos) << m;
  EXPECT_TRUE(m.ends_with("--\r\n"));
}

TEST(MimeMessage, OnlyCrlfAndShortLines) {
  for (const MimeMessage& message : {test::ascii_letter(), test::japanese_letter(), test::hostile_letter()}) {
    const auto rendered = render_message(message);
    ASSERT_TRUE(rendered) << rendered.error().message;
    for (std::size_t i = 0; i < rendered->size(); ++i) {
      if ((*rendered)[i] == '\n') {
        ASSERT_TRUE(i > 0 && (*rendered)[i - 1] == '\r') << "bare LF at " << i;
      }
      if ((*rendered)[i] == '\r') {
        ASSERT_TRUE(i + 1 < rendered->size() && (*rendered)[i + 1] == '\n');
      }
    }
    for (const std::string& line : lines_of(*rendered)) {
      EXPECT_LE(line.size(), 78u) << line;
      for (const char c : line) ASSERT_TRUE(c >= 0x20 && c < 0x7f) << "8-bit or control byte in: " << line;
    }
  }
}

TEST(MimeMessage, HeaderInjectionIsImpossible) {
  const auto rendered = render_message(test::hostile_letter());
  ASSERT_TRUE(rendered) << rendered.error().message;
  for (const std::string& line : lines_of(*rendered)) {
    EXPECT_FALSE(line.starts_with("Bcc:")) << line;
    EXPECT_FALSE(line.starts_with("X-Injected:")) << line;
    EXPECT_FALSE(line.starts_with("Content-Type: text/html")) << line;
  }
  // The header section has exactly the fields the writer sets.
  std::vector<std::string> names;
  for (const std::string& line : lines_of(header_section(*rendered)))
    if (!line.empty() && line[0] != ' ') names.push_back(line.substr(0, line.find(':')));
  EXPECT_EQ(names, (std::vector<std::string>{"Date", "From", "To", "Subject", "Message-ID", "MIME-Version",
                                             "Auto-Submitted", "X-Fumidai-Campaign", "Content-Type"}));
  // The display name went out as an encoded-word.
  EXPECT_NE(rendered->find("From: =?UTF-8?B?"), std::string::npos);
}

TEST(MimeMessage, RefusesBadFields) {
  const auto error_of = [](MimeMessage message) {
    const auto rendered = render_message(message);
    EXPECT_FALSE(rendered);
    return rendered ? std::string() : rendered.error().message;
  };
  MimeMessage m = test::ascii_letter();
  m.extra_headers = {{"X-Bad: Name", "v"}};
  EXPECT_NE(error_of(m).find("extra header name"), std::string::npos);
  m.extra_headers = {{"Bcc", "victim@example.com"}};
  EXPECT_NE(error_of(m).find("set by the message writer"), std::string::npos);
  m.extra_headers = {{"content-type", "text/html"}};
  EXPECT_NE(error_of(m).find("set by the message writer"), std::string::npos);
  m = test::ascii_letter();
  m.subject = "bad \xc3\x28 utf-8";
  EXPECT_EQ(error_of(m), "subject: invalid UTF-8");
  m = test::ascii_letter();
  m.text = "\xed\xa0\x80";  // a surrogate
  EXPECT_EQ(error_of(m), "text: invalid UTF-8");
  m = test::ascii_letter();
  m.to.addr_spec = "abuse@example.jp\r\nBcc: x@y";
  EXPECT_NE(error_of(m).find("to: mail address"), std::string::npos);
  m = test::ascii_letter();
  m.message_id = "no-at-sign";
  EXPECT_NE(error_of(m).find("message_id"), std::string::npos);
  m.message_id = "a>@b";
  EXPECT_NE(error_of(m).find("message_id"), std::string::npos);
  m = test::ascii_letter();
  m.attachments[0].content_type = "text/csv\r\nX: y";
  EXPECT_NE(error_of(m).find("content_type"), std::string::npos);
  m = test::ascii_letter();
  m.subject = std::string(999, 'x');
  EXPECT_NE(error_of(m).find("subject: longer than 998 bytes"), std::string::npos);
  m = test::ascii_letter();
  m.attachments[0].data.assign(MimeMessage::kMaxMessageBytes, 'x');
  EXPECT_NE(error_of(m).find("message larger than"), std::string::npos);
}

TEST(MimeMessage, DeterministicAndBoundaryFromMessageId) {
  const auto a = render_message(test::japanese_letter());
  const auto b = render_message(test::japanese_letter());
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  MimeMessage other = test::japanese_letter();
  other.message_id = "c1.r2@fumidai.example";
  const auto c = render_message(other);
  ASSERT_TRUE(c);
  const auto boundary = [](const std::string& m) {
    const std::size_t at = m.find("boundary=\"") + 10;
    return m.substr(at, m.find('"', at) - at);
  };
  EXPECT_NE(boundary(*a), boundary(*c));
  EXPECT_TRUE(boundary(*a).starts_with("=_fumidai_"));
}

TEST(MimeMessage, LongPlainSubjectsFoldAtSpaces) {
  MimeMessage m = test::ascii_letter();
  m.subject = "";
  for (int i = 0; i < 30; ++i) m.subject += "word" + std::to_string(i) + " ";
  const auto rendered = render_message(m);
  ASSERT_TRUE(rendered);
  const std::string headers = header_section(*rendered);
  std::string unfolded;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    if (headers.compare(i, 3, "\r\n ") == 0) {
      i += 1;  // CRLF removed, the space kept (RFC 5322 2.2.3)
      continue;
    }
    unfolded += headers[i];
  }
  EXPECT_NE(unfolded.find("Subject: word0 word1 word2"), std::string::npos) << headers;
  EXPECT_NE(unfolded.find("word28 word29\r\n"), std::string::npos) << headers;
}

}  // namespace
}  // namespace fumidai::mail
