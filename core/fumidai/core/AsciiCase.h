#pragma once
// ASCII-only case folding and classes: protocol tokens and rule literals,
// never locale text (std::isdigit and kin depend on the locale).
#include <algorithm>
#include <string>
#include <string_view>

namespace fumidai {

inline bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

inline char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

// `a` equals `lower_b` ignoring case, where `lower_b` is already lower case.
inline bool equals_lower(std::string_view a, std::string_view lower_b) {
  return a.size() == lower_b.size() &&
         std::equal(a.begin(), a.end(), lower_b.begin(), [](char x, char y) { return ascii_lower(x) == y; });
}

}  // namespace fumidai
