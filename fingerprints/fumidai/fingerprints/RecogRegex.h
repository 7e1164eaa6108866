#pragma once
// Recog's patterns are Ruby (Onigmo) regular expressions that Recog's Ruby
// code matches against UTF-8 strings. RecogRegex translates one into a PCRE2
// pattern (fingerprints/Pattern: bytes, no UTF mode) that means the same.
//
// Always set: PCRE2_MULTILINE, as Ruby's ^ and $ are line anchors; and (*LF),
// as Ruby's only newline is "\n" (PCRE2's default is a build option).
// Flags, as Recog's RegexpFactory maps them: REG_ICASE → caseless;
// REG_MULTILINE, REG_DOT_NEWLINE and REG_LINE_ANY_CRLF → dotall (Ruby's /m,
// where '.' matches "\n"); any other flag is an error, as in Recog.
//
// Rewritten, because PCRE2 reads them differently:
//   (?m) (?m:…) (?-m)   Ruby's inline m is dotall: becomes s
//   \h \H               Ruby: hex digit (PCRE2: horizontal space)
//   \v                  Ruby: the VT character (PCRE2: any vertical space)
//   \uHHHH \u{H…}       Ruby: a code point; here its UTF-8 bytes
//   {,n}                Ruby: {0,n} (PCRE2 10.42: literal text)
//   é+ \u00e9?          a quantifier after a multi-byte character: Ruby
//                       repeats the character, so its bytes are grouped
//   (…) with (?<name>)  Ruby: plain groups do not capture once a pattern
//                       names any group; they become (?:…)
//   (X+)*               with X one character (., \S, [^ ] …): (X+)?, the same
//                       strings and capture, without the exponential
//                       backtracking (Ruby 3.2 memoizes; PCRE2 would stop at
//                       its match limit)
//   .  .?               Ruby: one character; here one UTF-8 sequence, or
//                       one byte where there is none (binary input), as
//                       alternatives (".*" and ".+" stay: they match alike)
// The same in both: \A \z \Z \G \b \d \s \w (ASCII in both), \xHH, octal,
// back-references, (?i) (?x), look-around, atomic groups, possessive
// quantifiers, \k<name>, \R, comments (?#…).
//
// Approximations, reported in Translation::notes: a non-ASCII character
// inside [...] (matched byte by byte here), \p{…} and POSIX classes (Unicode
// in Ruby, bytes here), (?i) on a pattern with non-ASCII letters (Ruby folds
// their case, PCRE2 without UTF does not). Not noted, as most patterns have
// one: ".{n,m}" and negated classes ([^ ], \S) consume one byte here and one
// character in Ruby, which changes a match only when a count ({1,512}) or a
// single one meets a multi-byte character.
//
// Refused (an error): Ruby-only syntax that PCRE2 would read as something
// else: the absence operator (?~…), class intersection &&, nested classes,
// and the \M- and \C- escapes.
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/fingerprints/Pattern.h"

namespace fumidai::fingerprints {

class RecogRegex {
 public:
  struct Translation {
    std::string pattern;             // for Pattern::compile
    PatternOptions options;          // with `pattern`
    std::vector<std::string> notes;  // approximations, one line each
  };

  // `flags`: Recog's flags attribute, comma-separated ("REG_ICASE,REG_MULTILINE").
  static Result<Translation> translate(std::string_view ruby_pattern, std::string_view flags);
};

}  // namespace fumidai::fingerprints
