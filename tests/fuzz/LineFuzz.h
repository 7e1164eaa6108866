#pragma once
// fuzz_lines(input, parser, check_row): the shared loop of the attribution
// line-parser targets. Each '\n'-separated line of the input goes to
// parser.parse(line) in order (so a parser's state across lines, such as a
// header or a section, is exercised); an error must be one non-empty line,
// and each row parsed goes to check_row.
#include <string>
#include <string_view>

#include "FuzzCheck.h"

template <class Parser, class CheckRow>
void fuzz_lines(std::string_view input, Parser& parser, CheckRow&& check_row) {
  while (!input.empty()) {
    const std::size_t eol = input.find('\n');
    const std::string_view line = input.substr(0, eol);
    input.remove_prefix(eol == std::string_view::npos ? input.size() : eol + 1);
    const auto parsed = parser.parse(line);
    if (!parsed) {
      FUZZ_CHECK(!parsed.error().message.empty());
      FUZZ_CHECK(parsed.error().message.find('\n') == std::string::npos);
      continue;
    }
    if (*parsed) check_row(**parsed);
  }
}
