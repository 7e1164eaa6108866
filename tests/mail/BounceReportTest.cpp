#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "fumidai/mail/BounceReport.h"

namespace fumidai::mail {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Postfix writes LF into its files; on the wire it is CRLF. Both must parse.
std::string crlf(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

TEST(BounceReport, ReadsAPostfixDsn) {
  const std::string dsn = read_file(FUMIDAI_MAIL_TEST_DATA_DIR "/postfix-dsn.eml");
  ASSERT_FALSE(dsn.empty());
  for (const std::string& message : {dsn, crlf(dsn)}) {
    const auto report = parse_bounce(message);
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->original_message_id, "c12.r7.1795813240@fumidai.example");
    EXPECT_EQ(report->recipient, "abuse@sakura-hikari.example.jp");
    EXPECT_EQ(report->action, "failed");
    EXPECT_EQ(report->status, "5.1.1");
    EXPECT_EQ(report->diagnostic,
              "550 5.1.1 <abuse@sakura-hikari.example.jp>: Recipient address rejected: User unknown in virtual "
              "mailbox table");
  }
}

TEST(BounceReport, FindsAReportNestedInAForward) {
  const std::string dsn = read_file(FUMIDAI_MAIL_TEST_DATA_DIR "/postfix-dsn.eml");
  const std::string forwarded =
      "Content-Type: multipart/mixed; boundary=outer\n\n--outer\nContent-Type: text/plain\n\nFYI\n--outer\n" + dsn +
      "\n--outer--\n";
  const auto report = parse_bounce(forwarded);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->original_message_id, "c12.r7.1795813240@fumidai.example");
}

TEST(BounceReport, RefusesWhatIsNoFailedDsn) {
  const std::string dsn = read_file(FUMIDAI_MAIL_TEST_DATA_DIR "/postfix-dsn.eml");
  const struct {
    std::string message;
    const char* reason;
  } cases[] = {
      {"Subject: hello\n\nJust a reply, thanks!\n", "not a delivery status notification"},
      {std::string(dsn).replace(dsn.find("Action: failed"), 14, "Action: delayed"), "no recipient with Action: failed"},
      {std::string(dsn).replace(dsn.find("Message-ID: <c12"), 12, "X-Nothing: <"), "no original Message-ID"},
      {std::string(dsn).replace(dsn.find("report-type=delivery-status"), 27, "report-type=disposition-notif"),
       "not a delivery status notification"},
      {std::string(BounceReport::kMaxBytes + 1, 'x'), "larger than 1048576 bytes"},
  };
  for (const auto& c : cases) {
    const auto report = parse_bounce(c.message);
    ASSERT_FALSE(report) << c.reason;
    EXPECT_EQ(report.error().kind, Error::Kind::invalid_input);
    EXPECT_NE(report.error().message.find(c.reason), std::string::npos) << report.error().message;
  }
}

TEST(BounceReport, NestingIsBounded) {
  // The report six multiparts down is past the depth limit.
  const std::string dsn = read_file(FUMIDAI_MAIL_TEST_DATA_DIR "/postfix-dsn.eml");
  std::string message = dsn;
  for (int i = 0; i < 6; ++i)
    message = "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\n\n--b" + std::to_string(i) + "\n" +
              message + "\n--b" + std::to_string(i) + "--\n";
  EXPECT_FALSE(parse_bounce(message));
}

}  // namespace
}  // namespace fumidai::mail
