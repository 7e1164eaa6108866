#pragma once
// ASCII-only text helpers for HTTP and HTML, where names are case-insensitive
// in ASCII only and whitespace is a fixed small set. Locale-independent on
// purpose: peer bytes must never be interpreted through the process locale.
#include <cstddef>
#include <string_view>

namespace fumidai::scanner::http_text {

inline char to_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  return true;
}

inline bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

// HTTP's optional whitespace (RFC 9110, 5.6.3).
inline bool is_ows(char c) { return c == ' ' || c == '\t'; }

// HTML's ASCII whitespace (WHATWG Infra).
inline bool is_html_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

inline std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

inline std::string_view trim_html_space(std::string_view s) {
  while (!s.empty() && is_html_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_html_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace fumidai::scanner::http_text
