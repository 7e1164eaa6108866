#pragma once
// Finds a literal that every match of a PCRE2 pattern must contain, for the
// prefilter. Conservative: it reads only the top level of the pattern, skips
// groups, classes and quantified atoms, and gives up (returns "") on
// top-level alternation, extended mode (?x) and \Q…\E. Case is ignored: the
// result is lower case, for caseless patterns as for the others.
//
// Contract: a pure function; thread-safe.
#include <string>
#include <string_view>

namespace fumidai::fingerprints {

class RegexAnchor {
 public:
  // The longest required literal run (at least Anchor::kMinRegexBytes bytes,
  // cut to Anchor::kMaxBytes), lower-cased; "" when none is known.
  static std::string extract(std::string_view pattern);
};

}  // namespace fumidai::fingerprints
