#include "fumidai/campaigns/LetterComposer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace fumidai::campaigns {
namespace {

fingerprints::LabelSet labels() {
  auto set = fingerprints::LabelSet::load_embedded();
  EXPECT_TRUE(set) << set.error().message;
  return std::move(*set);
}

class TemplateDir {
 public:
  TemplateDir() { std::filesystem::create_directories(root_); }
  ~TemplateDir() { std::filesystem::remove_all(root_); }
  void write(const std::string& relative, const std::string& text) {
    std::filesystem::create_directories((root_ / relative).parent_path());
    std::ofstream(root_ / relative, std::ios::binary) << text;
  }
  std::string path() const { return root_.string(); }

 private:
  std::filesystem::path root_ =
      std::filesystem::temp_directory_path() / ("fumidai-templates-" + std::to_string(::getpid()));
};

db::NewRecipient recipient(std::size_t services) {
  db::NewRecipient r;
  r.key = "abuse@kumo-bb.example.jp";
  r.name = "Kumo Broadband, Inc.";
  r.email = "abuse@kumo-bb.example.jp";
  r.arm = db::CampaignArm::treatment;
  for (std::size_t i = 0; i < services; ++i) {
    db::ExposureItem e;
    e.ip = "198.18." + std::to_string(64 + i / 250) + "." + std::to_string(1 + i % 250);
    e.port = 1723;
    e.transport = "tcp";
    e.protocol = "pptp";
    e.labels = {"vpn-on-consumer-router", "eol-model"};
    e.router_vendor = "Buffalo";
    e.router_product = "WHR-G54S";
    e.fingerprints = "[]";
    e.last_seen = db::TimePoint(std::chrono::seconds(1790000000));
    r.exposures.push_back(e);
  }
  return r;
}

LetterInput input(const db::NewRecipient& r, std::string language) {
  LetterInput in;
  in.language = std::move(language);
  in.campaign_name = "JP routers with a VPN switched on";
  in.sender_name = "fumidai";
  in.sender_address = "cert@fumidai.example";
  in.public_url = "https://fumidai.example";
  in.recipient = &r;
  in.ack_token = "tok";
  in.message_id = "m1.letter@fumidai.example";
  in.date = db::TimePoint(std::chrono::seconds(1790000000));
  return in;
}

TEST(LetterComposer, ShippedTemplatesLoadInEveryLanguage) {
  auto composer = LetterComposer::load("", labels());
  ASSERT_TRUE(composer) << composer.error().message;
  EXPECT_EQ(composer->languages(), (std::vector<std::string>{"en", "ja"}));
  // The repository's directory loads the same way as the embedded copy.
  auto from_dir = LetterComposer::load(std::string(FUMIDAI_SOURCE_DIR) + "/templates/letters", labels());
  ASSERT_TRUE(from_dir) << from_dir.error().message;
  EXPECT_EQ(from_dir->languages(), composer->languages());
}

TEST(LetterComposer, UnknownVariableFailsAtLoadWithFileAndLine) {
  TemplateDir dir;
  dir.write("en/subject.txt", "Hello\n");
  dir.write("en/body.txt", "Dear {{recipient_name}},\n\nYour {{recipient_nam}} is\n");
  auto composer = LetterComposer::load(dir.path(), labels());
  ASSERT_FALSE(composer);
  EXPECT_EQ(composer.error().kind, Error::Kind::invalid_input);
  EXPECT_NE(composer.error().message.find("en/body.txt:3"), std::string::npos) << composer.error().message;
  EXPECT_NE(composer.error().message.find("recipient_nam"), std::string::npos) << composer.error().message;
}

TEST(LetterComposer, LanguageWithoutLabelTranslationsFailsAtLoad) {
  TemplateDir dir;
  dir.write("fr/subject.txt", "Bonjour\n");
  dir.write("fr/body.txt", "Madame, Monsieur,\n");
  auto composer = LetterComposer::load(dir.path(), labels());
  ASSERT_FALSE(composer);
  EXPECT_NE(composer.error().message.find("has no 'fr' translation"), std::string::npos) << composer.error().message;
}

TEST(LetterComposer, ListsTwentyServicesAndAttachesThemAll) {
  auto composer = LetterComposer::load("", labels());
  ASSERT_TRUE(composer);
  const auto r = recipient(25);
  auto eml = composer->compose(input(r, "en"));
  ASSERT_TRUE(eml) << eml.error().message;
  EXPECT_NE(eml->find("Message-ID: <m1.letter@fumidai.example>\r\n"), std::string::npos) << *eml;
  EXPECT_NE(eml->find("filename=\"affected-devices.csv\""), std::string::npos);
  EXPECT_EQ(eml->find("\n.\r\n"), std::string::npos);
  auto again = composer->compose(input(r, "en"));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *eml);  // the same letter, byte for byte
}

TEST(LetterComposer, RefusesAnUnknownLanguageAndABadAddress) {
  auto composer = LetterComposer::load("", labels());
  ASSERT_TRUE(composer);
  auto r = recipient(1);
  EXPECT_FALSE(composer->compose(input(r, "de")));
  r.email = "abuse@kumo\r\nBcc: x@example.com";
  auto bad = composer->compose(input(r, "en"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, Error::Kind::invalid_input);
}

}  // namespace
}  // namespace fumidai::campaigns
