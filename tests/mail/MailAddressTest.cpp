#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fumidai/mail/MailAddress.h"

namespace fumidai::mail {
namespace {

TEST(MailAddress, AcceptsDotAtomsAndLdhDomains) {
  for (const std::string& text :
       std::vector<std::string>{"abuse@example.jp", "a@b", "first.last@sub.example.co.jp", "user+tag@example.com",
                                "o'brien@example.ie", "x!#$%&'*+-/=?^_`{|}~@example.org", "abuse@xn--wgv71a119e.jp",
                                "a@1-2.example", std::string(64, 'l') + "@example.com"}) {
    const auto parsed = MailAddress::parse(text);
    ASSERT_TRUE(parsed) << text << ": " << parsed.error().message;
    EXPECT_EQ(parsed->addr_spec, text);
  }
}

TEST(MailAddress, RejectsWithTheReason) {
  const std::string long_label = "a@" + std::string(64, 'd') + ".example";
  const std::string too_long = std::string(64, 'l') + "@" + std::string(63, 'd') + "." + std::string(63, 'd') + "." +
                               std::string(62, 'd') + ".jp";
  const struct {
    std::string text;
    const char* reason;
  } cases[] = {
      {"", "empty"},
      {"abuse", "no @"},
      {"@example.jp", "empty local part"},
      {"abuse@", "empty domain"},
      {".abuse@example.jp", "leading, trailing or double dot"},
      {"abuse.@example.jp", "leading, trailing or double dot"},
      {"ab..use@example.jp", "leading, trailing or double dot"},
      {"\"quoted\"@example.jp", "quoted local parts are not accepted"},
      {"a b@example.jp", "contains a space"},
      {"abuse@example.jp\r\nRCPT TO:<x@y>", "control character"},
      {"abuse@exa\tmple.jp", "control character"},
      {"abuse@example..jp", "empty label"},
      {"abuse@-example.jp", "starts or ends with '-'"},
      {"abuse@example-.jp", "starts or ends with '-'"},
      {"abuse@exa_mple.jp", "domain has the character '_'"},
      {"abuse@[127.0.0.1]", "address literals are not accepted"},
      {"ab@use@example.jp", "local part has the character '@'"},
      {"\xe7\xae\xa1\xe7\x90\x86@example.jp", "non-ASCII"},
      {std::string(65, 'l') + "@example.com", "local part longer than 64"},
      {long_label, "label longer than 63"},
      {too_long, "longer than 254"},
      {"abuse@example.jp>", "domain has the character '>'"},
  };
  for (const auto& c : cases) {
    const auto parsed = MailAddress::parse(c.text);
    ASSERT_FALSE(parsed) << c.text;
    EXPECT_EQ(parsed.error().kind, Error::Kind::invalid_input);
    EXPECT_NE(parsed.error().message.find(c.reason), std::string::npos) << c.text << ": " << parsed.error().message;
    EXPECT_EQ(parsed.error().message.find('\n'), std::string::npos) << "the error quotes controls as \\xNN";
  }
}

}  // namespace
}  // namespace fumidai::mail
