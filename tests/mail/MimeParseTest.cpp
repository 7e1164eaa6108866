// Rendered letters read back by an independent MIME parser: python's email
// package (parse_message.py), as a mail client would show them.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "MailTestMessages.h"
#include "SinkProcess.h"
#include "fumidai/core/Subprocess.h"
#include "fumidai/mail/Base64.h"

namespace fumidai::mail {
namespace {

boost::json::object parsed_by_python(const std::string& message) {
  const auto dir = test::make_temp_dir("fumidai-mime");
  const auto file = dir / "letter.eml";
  std::ofstream(file, std::ios::binary) << message;
  const auto run = run_subprocess({FUMIDAI_MAIL_PYTHON, FUMIDAI_MAIL_TEST_DIR "/parse_message.py", file.string()});
  std::filesystem::remove_all(dir);
  EXPECT_TRUE(run && run->exit_code == 0) << (run ? run->output : run.error().message);
  if (!run || run->exit_code != 0) return {};
  return boost::json::parse(run->output).as_object();
}

std::string str(const boost::json::value& value) { return std::string(value.as_string()); }

TEST(MimeParse, JapaneseRoundTrip) {
  const MimeMessage letter = test::japanese_letter();
  const auto parsed = parsed_by_python(render_message(letter).value());
  ASSERT_FALSE(parsed.empty());
  EXPECT_TRUE(parsed.at("defects").as_array().empty()) << boost::json::serialize(parsed.at("defects"));
  EXPECT_EQ(str(parsed.at("subject")), letter.subject);
  EXPECT_EQ(test::without_spaces(str(parsed.at("from").at("display_name"))), test::without_spaces(letter.from_name));
  EXPECT_EQ(str(parsed.at("from").at("addr_spec")), "cert@fumidai.example");
  EXPECT_EQ(test::without_spaces(str(parsed.at("to").at("display_name"))), test::without_spaces(letter.to_name));
  EXPECT_EQ(str(parsed.at("to").at("addr_spec")), "abuse@example.jp");
  EXPECT_EQ(str(parsed.at("message-id")), "<c1.r1@fumidai.example>");
  EXPECT_EQ(str(parsed.at("date")), "Fri, 27 Nov 2026 21:11:01 +0000");
  EXPECT_EQ(str(parsed.at("auto-submitted")), "auto-generated");
  EXPECT_EQ(str(parsed.at("x-fumidai-note")), "日本語の値");
  EXPECT_EQ(str(parsed.at("text")), letter.text);
  const auto& attachments = parsed.at("attachments").as_array();
  ASSERT_EQ(attachments.size(), 1u);
  EXPECT_EQ(str(attachments[0].at("filename")), letter.attachments[0].filename);
  EXPECT_EQ(str(attachments[0].at("content_type")), "text/csv");
  EXPECT_EQ(str(attachments[0].at("data_b64")), base64_encode(letter.attachments[0].data));
}

TEST(MimeParse, LongNonAsciiFilenameAndAsciiLetter) {
  MimeMessage letter = test::ascii_letter();
  letter.attachments.push_back(
      {"とても長い名前の添付ファイル_さくら光ネット_AS64496_2026-11-27.csv", "text/csv", "a,b\r\n"});
  const auto parsed = parsed_by_python(render_message(letter).value());
  ASSERT_FALSE(parsed.empty());
  EXPECT_TRUE(parsed.at("defects").as_array().empty()) << boost::json::serialize(parsed.at("defects"));
  EXPECT_EQ(str(parsed.at("subject")), letter.subject);
  EXPECT_EQ(str(parsed.at("from").at("display_name")), "fumidai CERT");
  EXPECT_TRUE(parsed.at("to").at("display_name").as_string().empty());
  const auto& attachments = parsed.at("attachments").as_array();
  ASSERT_EQ(attachments.size(), 2u);
  EXPECT_EQ(str(attachments[0].at("filename")), "hosts.csv");
  EXPECT_EQ(str(attachments[1].at("filename")), letter.attachments[1].filename);
}

TEST(MimeParse, HeaderInjectionAttemptStaysInItsField) {
  const auto parsed = parsed_by_python(render_message(test::hostile_letter()).value());
  ASSERT_FALSE(parsed.empty());
  std::vector<std::string> names;
  for (const auto& name : parsed.at("header_names").as_array()) names.push_back(str(name));
  EXPECT_EQ(names, (std::vector<std::string>{"Date", "From", "To", "Subject", "Message-ID", "MIME-Version",
                                             "Auto-Submitted", "X-Fumidai-Campaign", "Content-Type"}));
  EXPECT_EQ(test::without_spaces(str(parsed.at("from").at("display_name"))), "EvilOrgBcc:victim@example.com");
  EXPECT_EQ(str(parsed.at("from").at("addr_spec")), "cert@fumidai.example");
  EXPECT_EQ(test::without_spaces(str(parsed.at("to").at("display_name"))), "OrgX-Injected:1");
  EXPECT_EQ(str(parsed.at("subject")), "Hello  Bcc: victim@example.com    body takeover");
  EXPECT_EQ(str(parsed.at("x-fumidai-campaign")), "1  Content-Type: text/html");
  EXPECT_EQ(str(parsed.at("text")), test::hostile_letter().text);
  EXPECT_EQ(str(parsed.at("attachments").at(0).at("filename")), "evil  Bcc: victim@example.com\".csv");
}

}  // namespace
}  // namespace fumidai::mail
