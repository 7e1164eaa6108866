#pragma once
// A literal that must occur in a field for a condition to hold: the unit of
// the literal prefilter. Literals are lower case (ASCII) and matched ignoring
// case, so one anchor serves case-sensitive and caseless tests alike.
#include <string>

namespace fumidai::fingerprints {

struct Anchor {
  // Any substring of a required literal is required too: longer ones are cut
  // to this, which bounds the automaton's size per anchor.
  static constexpr std::size_t kMaxBytes = 32;
  // Regex literals shorter than this select too many rules to be worth it.
  static constexpr std::size_t kMinRegexBytes = 3;

  std::string field;
  std::string literal;

  bool operator==(const Anchor&) const = default;
};

}  // namespace fumidai::fingerprints
