#pragma once
// Writes a recipient's letter: the subject and body from the language's
// templates (templates/letters/LANG/subject.txt and body.txt), the advice of
// each label found in that language (fingerprints/labels.yaml), and a CSV of
// every affected service in Shadowserver's columns, as one RFC 5322 MIME
// message.
// Contract: immutable after load; thread-safe.
#include <map>
#include <string>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/db/Campaign.h"
#include "fumidai/fingerprints/LabelSet.h"
#include "fumidai/mail/LetterTemplate.h"

namespace fumidai::campaigns {

struct LetterInput {
  std::string language;
  std::string campaign_name;
  std::string sender_name, sender_address;
  std::string public_url;
  const db::NewRecipient* recipient = nullptr;  // borrowed for the call
  std::string ack_token;                        // goes into the link; only its hash is stored
  std::string message_id;
  db::TimePoint date;
};

class LetterComposer {
 public:
  static constexpr std::size_t kListedHosts = 20;  // in the body; the CSV has them all

  // Every LANG directory under `templates_dir` (empty: the embedded
  // templates/letters/). A template with an unknown variable, or a label
  // without text in a template's language, fails with FILE:LINE or the label.
  static Result<LetterComposer> load(const std::string& templates_dir, fingerprints::LabelSet labels);

  std::vector<std::string> languages() const;
  bool speaks(const std::string& language) const { return templates_.count(language) != 0; }
  // The message (CRLF line ends); fails only on input a letter cannot carry
  // (an unknown language, a malformed address).
  Result<std::string> compose(const LetterInput& input) const;

  // The variables the templates may use (templates/letters/README.md).
  static const mail::TemplateSchema& schema();

 private:
  struct Templates {
    mail::LetterTemplate subject, body;
  };
  LetterComposer(std::map<std::string, Templates> templates, fingerprints::LabelSet labels)
      : templates_(std::move(templates)), labels_(std::move(labels)) {}
  std::map<std::string, Templates> templates_;
  fingerprints::LabelSet labels_;
};

}  // namespace fumidai::campaigns
