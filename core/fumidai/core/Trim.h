#pragma once
// Blank trimming for the line-oriented files people edit (blocklists, port
// profiles, target lists): spaces, tabs and a CR left by CRLF line ends.
#include <string_view>

namespace fumidai {

inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

inline std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

inline bool is_blank_line(std::string_view line) { return trim_blanks(line).empty(); }

}  // namespace fumidai
