#pragma once
// One <fingerprint> of a Recog XML database: its pattern (translated by
// RecogRegex and compiled), its params and its examples, matched with the
// semantics of Recog's Ruby Fingerprint#match:
// - a param with pos > 0 takes that capture group (nothing when the group
//   took no part in the match);
// - a param with pos = 0 is its fixed value, in which each {other.param} is
//   replaced by that param's value; an unset one becomes "-" in a *.cpe23
//   param that wants a *.version (Recog's rule) and "" elsewhere (where Recog
//   raises).
//
// Contract: immutable once compiled; match() may run on many threads at once,
// each with its own MatchScratch.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/fingerprints/Pattern.h"
#include "fumidai/fingerprints/RecogPrefilter.h"

namespace fumidai::fingerprints {

struct RecogParam {
  int position = 0;  // capture group; 0 for a fixed value
  std::string name;  // "hw.product"
  std::string value;
};

struct RecogExample {
  std::string text;  // decoded when the XML gives it in base64
  // The params the example expects, in document order (its attributes but
  // _encoding and _filename).
  std::vector<std::pair<std::string, std::string>> expected;
  // _filename: the text lives in a file beside Recog's XML that is not
  // shipped with it; such an example cannot be run.
  std::string external_file;
};

class RecogFingerprint {
 public:
  // Param values in declaration order; nullopt for a group that took no part.
  using Values = std::vector<std::pair<std::string, std::optional<std::string>>>;

  struct Spec {
    std::string pattern;  // Ruby syntax, as in the XML
    std::string flags;
    std::string description;
    std::string certainty;  // the optional certainty attribute ("0.8")
    std::vector<RecogParam> params;
    std::vector<RecogExample> examples;
  };

  // Fails on a pattern RecogRegex or PCRE2 refuses, and on a param whose
  // group the pattern does not have.
  static Result<RecogFingerprint> compile(Spec spec);

  // On `matched`, `values` (when given) holds every param, one per name.
  // A subject the prefilter turns away is no_match without running PCRE2.
  MatchOutcome match(std::string_view subject, MatchScratch& scratch, Values* values) const;

  const std::string& pattern() const { return spec_.pattern; }
  const std::string& description() const { return spec_.description; }
  const std::string& certainty() const { return spec_.certainty; }
  const std::vector<RecogParam>& params() const { return spec_.params; }
  const std::vector<RecogExample>& examples() const { return spec_.examples; }
  // What PCRE2 runs, and where it only approximates Ruby (RecogRegex).
  const Pattern& compiled() const { return pattern_; }
  const std::vector<std::string>& translation_notes() const { return notes_; }
  const RecogPrefilter& prefilter() const { return prefilter_; }

 private:
  RecogFingerprint(Spec spec, Pattern pattern, std::vector<std::string> notes, RecogPrefilter prefilter);

  Spec spec_;
  std::vector<RecogParam> effective_params_;  // one per name, as Ruby's hash holds them
  Pattern pattern_;
  std::vector<std::string> notes_;
  RecogPrefilter prefilter_;
};

}  // namespace fumidai::fingerprints
