#pragma once
// A cheap necessary condition for a Recog pattern, tested before PCRE2 runs
// it: most of Recog's patterns begin with an anchor and literal text
// ("^lighttpd/", "^(?:4297c1…|e5af3b…)$"), so a subject that has none of
// those literals at a line start (after ^) or at its start (after \A)
// cannot match, and most fingerprints of a file are skipped for the price of
// a comparison. A pattern with no such prefix admits everything.
//
// Sound by construction: prefixes are read only from the pattern's leading
// literal characters (ASCII, escaped punctuation included), a character
// that a quantifier may drop is not taken, an alternation must give every
// alternative a prefix, and patterns in extended mode ((?x)) are left alone.
// Caseless ones (REG_ICASE, a leading (?i)) compare ASCII letters ignoring
// case, as PCRE2 without UTF does.
//
// Contract: a plain value, immutable once built; admits() is thread-safe.
#include <string>
#include <string_view>
#include <vector>

namespace fumidai::fingerprints {

class RecogPrefilter {
 public:
  static RecogPrefilter from_pattern(std::string_view ruby_pattern, bool caseless);

  bool admits(std::string_view subject) const;
  // Empty when the pattern gives none: everything is admitted.
  const std::vector<std::string>& prefixes() const { return prefixes_; }

 private:
  bool at(std::string_view subject, std::size_t position) const;

  std::vector<std::string> prefixes_;  // any one of them, at an allowed position
  bool line_anchor_ = false;           // ^: the start or after "\n"; \A: the start only
  bool caseless_ = false;
};

}  // namespace fumidai::fingerprints
