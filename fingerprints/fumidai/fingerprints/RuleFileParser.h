#pragma once
// Reads one rule file (fingerprints/README.md, "Rule files") into rules, or
// refuses it with "FILE:LINE: reason": not a mapping, unknown or missing keys,
// a bad id, category, device, confidence or CPE, a {name} no regex captures,
// a broken regex (PCRE2's message), unknown fields, bad examples. Checks that
// span files (duplicate ids) are RuleDatabase's.
//
// Contract: a pure function; thread-safe.
#include <string_view>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/fingerprints/Rule.h"

namespace fumidai::fingerprints {

class RuleFileParser {
 public:
  static constexpr std::size_t kMaxRulesPerFile = 10'000;
  static constexpr std::size_t kMaxExamplesPerRule = 100;

  // Rules in file order.
  static Result<std::vector<Rule>> parse(std::string_view text, std::string_view file);
  // A CPE 2.3 formatted string: "cpe:2.3:" and 11 more components, part
  // a, o or h; a component may hold {name} placeholders.
  static bool valid_cpe(std::string_view cpe);
};

}  // namespace fumidai::fingerprints
