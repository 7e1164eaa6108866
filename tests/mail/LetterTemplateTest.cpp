#include <gtest/gtest.h>

#include <string>

#include "fumidai/mail/LetterTemplate.h"

namespace fumidai::mail {
namespace {

// The shape of a campaign letter: recipient fields and a list of hosts.
TemplateSchema letter_schema() {
  TemplateSchema schema;
  schema.variables = {"org", "contact", "count", "unsubscribe"};
  schema.sections["hosts"].variables = {"ip", "port", "label"};
  schema.sections["hosts"].sections["advice"].variables = {"text"};
  schema.sections["urgent"] = {};
  return schema;
}

std::string render(std::string_view text, const TemplateContext& context) {
  const auto parsed = LetterTemplate::parse(text, "t.txt", letter_schema());
  EXPECT_TRUE(parsed) << parsed.error().message;
  return parsed ? parsed->render(context) : "";
}

std::string error_of(std::string_view text) {
  const auto parsed = LetterTemplate::parse(text, "templates/letters/ja/body.txt", letter_schema());
  EXPECT_FALSE(parsed) << text;
  if (parsed) return "";
  EXPECT_EQ(parsed.error().kind, Error::Kind::invalid_input);
  return parsed.error().message;
}

TEST(LetterTemplate, InsertsValuesAsIs) {
  EXPECT_EQ(render("Dear {{org}}, <{{ contact }}> & co.\n",
                   {{"org", std::string("さくら & <Net>")}, {"contact", std::string("abuse@example.jp")}}),
            "Dear さくら & <Net>, <abuse@example.jp> & co.\n");
  EXPECT_EQ(render("[{{org}}]{{! a comment }}[{{count}}]", {}), "[][]") << "a missing value renders empty";
}

TEST(LetterTemplate, SectionsRepeatOverListsAndResolveOutwards) {
  TemplateContext context{
      {"org", std::string("Sakura")},
      {"hosts", TemplateList{TemplateContext{{"ip", std::string("198.51.100.1")},
                                             {"port", std::string("1723")},
                                             {"advice", TemplateList{TemplateContext{{"text", std::string("update")}},
                                                                     TemplateContext{{"text", std::string("check")}}}}},
                             TemplateContext{{"ip", std::string("198.51.100.2")}, {"port", std::string("443")}}}}};
  EXPECT_EQ(render("{{#hosts}}{{ip}}:{{port}} ({{org}}){{#advice}} {{text}}{{/advice}};{{/hosts}}", context),
            "198.51.100.1:1723 (Sakura) update check;198.51.100.2:443 (Sakura);");
}

TEST(LetterTemplate, BooleansStringsAndInverses) {
  const std::string text =
      "{{#urgent}}URGENT {{/urgent}}{{^urgent}}routine {{/urgent}}"
      "{{#org}}org={{org}} {{/org}}{{^org}}no org {{/org}}{{^hosts}}no hosts{{/hosts}}";
  EXPECT_EQ(render(text, {{"urgent", true}, {"org", std::string("X")}, {"hosts", TemplateList{}}}),
            "URGENT org=X no hosts");
  EXPECT_EQ(render(text, {{"urgent", false}, {"org", std::string()}}), "routine no org no hosts");
  EXPECT_EQ(render(text, {}), "routine no org no hosts");
}

TEST(LetterTemplate, StandaloneTagsLeaveNoBlankLines) {
  const std::string text =
      "Hosts:\n"
      "  {{#hosts}}\n"
      "  - {{ip}}\n"
      "  {{/hosts}}\n"
      "{{! a comment on its own line }}\n"
      "\t{{^hosts}}  \r\n"
      "none\n"
      "{{/hosts}}\n"
      "End {{#urgent}}!{{/urgent}}\n"
      "{{#urgent}}";
  TemplateContext two{
      {"hosts", TemplateList{TemplateContext{{"ip", std::string("a")}}, TemplateContext{{"ip", std::string("b")}}}},
      {"urgent", true}};
  EXPECT_EQ(render(text + "\n{{/urgent}}", two), "Hosts:\n  - a\n  - b\nEnd !\n");
  EXPECT_EQ(render(text + "\n{{/urgent}}", {}), "Hosts:\nnone\nEnd \n");
  EXPECT_EQ(render("a {{#urgent}}\nb\n{{/urgent}} c", {{"urgent", true}}), "a \nb\n c")
      << "a tag sharing its line with text is not standalone";
}

TEST(LetterTemplate, ErrorsNameFileAndLine) {
  EXPECT_EQ(error_of("Dear {{org}},\n\nYour {{orgg}} ...\n"),
            "templates/letters/ja/body.txt:3: unknown variable {{orgg}}");
  EXPECT_EQ(error_of("{{ip}}"), "templates/letters/ja/body.txt:1: unknown variable {{ip}}")
      << "a list item's variable is unknown outside its section";
  EXPECT_EQ(error_of("\n{{#hostz}}{{/hostz}}"), "templates/letters/ja/body.txt:2: unknown section {{#hostz}}");
  EXPECT_EQ(error_of("{{#advice}}{{/advice}}"), "templates/letters/ja/body.txt:1: unknown section {{#advice}}");
  EXPECT_EQ(error_of("a\n{{#hosts}}\n{{ip}}\n"), "templates/letters/ja/body.txt:2: unclosed section {{#hosts}}");
  EXPECT_EQ(error_of("{{#hosts}}\n{{#advice}}\n{{/hosts}}\n"),
            "templates/letters/ja/body.txt:3: {{/hosts}} closes {{#advice}} (opened on line 2)");
  EXPECT_EQ(error_of("x\n\n{{/hosts}}"), "templates/letters/ja/body.txt:3: {{/hosts}} closes no section");
  EXPECT_EQ(error_of("{{org"), "templates/letters/ja/body.txt:1: unclosed tag {{ (no }})");
  EXPECT_EQ(error_of("{{}}"), "templates/letters/ja/body.txt:1: malformed tag {{}}");
  EXPECT_EQ(error_of("\n{{{org}}}"), "templates/letters/ja/body.txt:2: malformed tag {{{org}}");
  EXPECT_EQ(error_of("{{&org}}"), "templates/letters/ja/body.txt:1: malformed tag {{&org}}");
  EXPECT_EQ(error_of("{{o rg}}"), "templates/letters/ja/body.txt:1: malformed tag {{o rg}}");
  EXPECT_EQ(error_of("ok\n\xff"), "templates/letters/ja/body.txt:2: invalid UTF-8");
}

TEST(LetterTemplate, Limits) {
  TemplateSchema deep;
  TemplateSchema* level = &deep;
  for (int i = 0; i < 10; ++i) level = &level->sections["s" + std::to_string(i)];
  std::string nested;
  for (int i = 0; i < 8; ++i) nested += "{{#s" + std::to_string(i) + "}}";
  for (int i = 7; i >= 0; --i) nested += "{{/s" + std::to_string(i) + "}}";
  EXPECT_TRUE(LetterTemplate::parse(nested, "deep.txt", deep)) << "8 levels are allowed";
  const auto too_deep = LetterTemplate::parse("{{#s0}}" + nested + "{{/s0}}", "deep.txt", deep);
  ASSERT_FALSE(too_deep);
  EXPECT_NE(too_deep.error().message.find("nested deeper than 8"), std::string::npos);

  const auto big = LetterTemplate::parse(std::string(64 * 1024 + 1, 'x'), "big.txt", {});
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().message, "big.txt: template larger than 65536 bytes");
  EXPECT_TRUE(LetterTemplate::parse(std::string(64 * 1024, 'x'), "big.txt", {}));
}

}  // namespace
}  // namespace fumidai::mail
