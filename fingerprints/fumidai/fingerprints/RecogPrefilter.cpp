#include "fumidai/fingerprints/RecogPrefilter.h"

#include <algorithm>
#include <cstring>

#include "fumidai/core/AsciiCase.h"

namespace fumidai::fingerprints {

namespace {

bool is_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool is_meta(char c) { return c != '\0' && std::strchr("\\^$.|?*+()[]{}", c) != nullptr; }

// The literal characters `text` starts with: plain ASCII and escaped
// punctuation, up to anything else. A character a quantifier may drop
// (?, *, {…}) is not taken; after one that '+' repeats, the run ends.
std::string literal_run(std::string_view text) {
  std::string run;
  std::size_t i = 0;
  while (i < text.size()) {
    char literal = text[i];
    std::size_t width = 1;
    if (literal == '\\') {
      if (i + 1 >= text.size() || is_alnum(text[i + 1]) || static_cast<unsigned char>(text[i + 1]) >= 0x80) break;
      literal = text[i + 1];
      width = 2;
    } else if (is_meta(literal) || static_cast<unsigned char>(literal) >= 0x80) {
      break;
    }
    const std::size_t next = i + width;
    const char after = next < text.size() ? text[next] : '\0';
    if (after == '?' || after == '*' || after == '{') break;
    run += literal;
    i = next;
    if (after == '+') break;
  }
  return run;
}

struct Alternatives {
  std::vector<std::string_view> parts;
  std::size_t end;  // the ')' that closes the group, or the pattern's size
};

// `pattern` from `begin` split at the '|' of that nesting level, up to the
// ')' that closes it (or the end). Escapes and [...] classes are skipped.
Alternatives split_alternatives(std::string_view pattern, std::size_t begin) {
  Alternatives out{{}, pattern.size()};
  std::size_t depth = 0;
  std::size_t part = begin;
  for (std::size_t i = begin; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      ++i;
    } else if (c == '[') {
      ++i;
      if (i < pattern.size() && pattern[i] == '^') ++i;
      if (i < pattern.size() && pattern[i] == ']') ++i;  // a leading ']' is literal
      while (i < pattern.size() && pattern[i] != ']') i += pattern[i] == '\\' ? 2 : 1;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && depth > 0) {
      --depth;
    } else if (c == ')') {
      out.end = i;
      break;
    } else if (c == '|' && depth == 0) {
      out.parts.push_back(pattern.substr(part, i - part));
      part = i + 1;
    }
  }
  out.parts.push_back(pattern.substr(part, std::min(out.end, pattern.size()) - part));
  return out;
}

// (?x) anywhere: whitespace and '#' would stop meaning themselves.
bool sets_extended(std::string_view pattern) {
  for (std::size_t at = pattern.find("(?"); at != std::string_view::npos; at = pattern.find("(?", at + 2)) {
    for (std::size_t i = at + 2; i < pattern.size(); ++i) {
      const char c = pattern[i];
      if (c == 'x') return true;
      if (c != 'i' && c != 'm' && c != '-') break;
    }
  }
  return false;
}

}  // namespace

RecogPrefilter RecogPrefilter::from_pattern(std::string_view pattern, bool caseless) {
  RecogPrefilter filter;
  if (sets_extended(pattern)) return filter;
  const Alternatives top = split_alternatives(pattern, 0);
  if (top.parts.size() != 1 || top.end != pattern.size()) return filter;

  bool fold = caseless;
  std::size_t i = 0;
  auto inline_caseless = [&] {
    if (pattern.substr(i).starts_with("(?i)")) {
      fold = true;
      i += 4;
    }
  };
  inline_caseless();
  if (pattern.substr(i).starts_with("^")) {
    filter.line_anchor_ = true;
    i += 1;
  } else if (pattern.substr(i).starts_with("\\A")) {
    i += 2;
  } else {
    return filter;
  }
  inline_caseless();

  std::vector<std::string> prefixes;
  const std::string_view rest = pattern.substr(i);
  if (rest.starts_with("(")) {
    std::size_t content = 0;
    if (rest.starts_with("(?:")) {
      content = 3;
    } else if (rest.starts_with("(?i:")) {
      fold = true;
      content = 4;
    } else if (!rest.starts_with("(?")) {
      content = 1;
    } else {
      return filter;  // look-around, named groups, options: not worth reading
    }
    const Alternatives group = split_alternatives(rest, content);
    if (group.end >= rest.size()) return filter;
    const char after = group.end + 1 < rest.size() ? rest[group.end + 1] : '\0';
    if (after == '?' || after == '*' || after == '{') return filter;
    for (const std::string_view part : group.parts) {
      std::string run = literal_run(part);
      if (run.empty()) return filter;
      prefixes.push_back(std::move(run));
    }
  } else {
    std::string run = literal_run(rest);
    if (run.empty()) return filter;
    prefixes.push_back(std::move(run));
  }
  if (fold)
    for (std::string& prefix : prefixes)
      for (char& c : prefix) c = ascii_lower(c);
  filter.prefixes_ = std::move(prefixes);
  filter.caseless_ = fold;
  return filter;
}

bool RecogPrefilter::at(std::string_view subject, std::size_t position) const {
  const std::string_view rest = subject.substr(position);
  for (const std::string& prefix : prefixes_) {
    if (rest.size() < prefix.size()) continue;
    if (!caseless_) {
      if (rest.starts_with(prefix)) return true;
      continue;
    }
    std::size_t k = 0;
    while (k < prefix.size() && ascii_lower(rest[k]) == prefix[k]) ++k;
    if (k == prefix.size()) return true;
  }
  return false;
}

bool RecogPrefilter::admits(std::string_view subject) const {
  if (prefixes_.empty() || at(subject, 0)) return true;
  if (!line_anchor_) return false;
  for (std::size_t newline = subject.find('\n'); newline != std::string_view::npos;
       newline = subject.find('\n', newline + 1))
    if (at(subject, newline + 1)) return true;
  return false;
}

}  // namespace fumidai::fingerprints
