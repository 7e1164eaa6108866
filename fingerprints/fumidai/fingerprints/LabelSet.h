#pragma once
// Risk labels (fingerprints/labels.yaml, README "Labels"): each a condition
// over a record's fields plus fp.* / host.fp.* from its fingerprints, with a
// severity and advice text for letters to network owners.
//
// Contract: immutable after load; evaluate() is thread-safe given a
// per-thread MatchScratch. Label pointers stay valid as long as the set does
// (moving the set keeps them valid too).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/fingerprints/Condition.h"
#include "fumidai/fingerprints/FieldSet.h"
#include "fumidai/fingerprints/Pattern.h"
#include "fumidai/fingerprints/SelfTestFailure.h"

namespace fumidai::fingerprints {

// A label's words for people, in one language.
struct LabelText {
  std::string title;
  std::string advice;
};

struct Label {
  std::string id;
  std::string severity;  // critical | high | medium | low | info
  std::string title;     // English
  std::string advice;    // English
  std::map<std::string, LabelText> translations;  // language code ("ja") -> text

  // The title and advice in `language` ("en": title and advice); nullopt
  // when the label has no text in it.
  std::optional<LabelText> text(std::string_view language) const;
};

class LabelSet {
 public:
  static constexpr std::size_t kMaxLabels = 1000;

  // `name` is used in messages ("fingerprints/labels.yaml").
  static Result<LabelSet> load(std::string_view text, std::string_view name);
  static Result<LabelSet> load_embedded();

  // The labels whose condition holds, in file order.
  std::vector<const Label*> evaluate(const FieldSet& fields, MatchScratch& scratch) const;
  // The same, counting regex matches stopped by PCRE2's limits.
  std::vector<const Label*> evaluate(const FieldSet& fields, MatchScratch& scratch, std::uint64_t& limit_hits) const;

  const std::vector<Label>& labels() const { return labels_; }
  std::size_t example_count() const;
  // Every example gives its expected verdict, and each label has at least
  // one example that labels and one that does not.
  std::vector<SelfTestFailure> self_test() const;

  struct Example {
    int line = 0;
    FieldSet fields;
    bool expect = false;
  };
  struct Definition {
    std::string file;
    int line = 0;
    Condition when;
    std::vector<Example> examples;
  };

 private:
  LabelSet(std::vector<Label> labels, std::vector<Definition> definitions)
      : labels_(std::move(labels)), definitions_(std::move(definitions)) {}

  std::vector<Label> labels_;
  std::vector<Definition> definitions_;  // parallel to labels_
};

}  // namespace fumidai::fingerprints
