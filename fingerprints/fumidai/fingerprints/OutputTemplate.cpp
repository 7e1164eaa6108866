#include "fumidai/fingerprints/OutputTemplate.h"

namespace fumidai::fingerprints {

namespace {

bool identifier_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (!first && c >= '0' && c <= '9');
}

// Length of "{identifier}" at the start of `text`, or 0.
std::size_t placeholder_length(std::string_view text) {
  if (text.size() < 3 || text[0] != '{' || !identifier_char(text[1], true)) return 0;
  std::size_t i = 2;
  while (i < text.size() && identifier_char(text[i], false)) ++i;
  return i < text.size() && text[i] == '}' ? i + 1 : 0;
}

// CPE 2.3 formatted-string quoting (NISTIR 7695 5.3.2): alphanumerics, '_',
// '-' and '.' stand as they are, other printable characters are quoted.
void append_cpe(std::string& out, std::string_view value) {
  if (value.empty()) {
    out += '*';
    return;
  }
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (c == ' ') {
      out += '_';
    } else if (identifier_char(c, false) || c == '-' || c == '.') {
      out += c;
    } else if (u > 0x20 && u < 0x7f) {
      out += '\\';
      out += c;
    }
  }
}

// Field values are valid UTF-8 (stage 2 makes them so), but patterns run on
// bytes, so a capture can start or end inside a character: those partial
// characters are dropped, so outputs stay valid UTF-8 for the record's JSON.
std::string_view whole_characters(std::string_view text) {
  const auto continuation = [](char c) { return (static_cast<unsigned char>(c) & 0xc0) == 0x80; };
  while (!text.empty() && continuation(text.front())) text.remove_prefix(1);
  // The last lead byte and the continuation bytes after it.
  std::size_t lead = text.size();
  while (lead > 0 && continuation(text[lead - 1])) --lead;
  if (lead == 0) return text;
  const auto first = static_cast<unsigned char>(text[lead - 1]);
  const std::size_t need = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1;
  if (text.size() - (lead - 1) < need) text = text.substr(0, lead - 1);
  return text;
}

}  // namespace

OutputTemplate::OutputTemplate(std::string_view text, Escape escape) : escape_(escape) {
  std::string literal;
  while (!text.empty()) {
    if (const std::size_t n = placeholder_length(text); n > 0) {
      if (!literal.empty()) parts_.push_back({std::move(literal), false});
      literal.clear();
      parts_.push_back({std::string(text.substr(1, n - 2)), true});
      text.remove_prefix(n);
    } else {
      literal += text.front();
      text.remove_prefix(1);
    }
  }
  if (!literal.empty()) parts_.push_back({std::move(literal), false});
}

std::vector<std::string_view> OutputTemplate::names() const {
  std::vector<std::string_view> out;
  for (const Part& part : parts_) {
    if (part.placeholder) out.push_back(part.text);
  }
  return out;
}

std::string OutputTemplate::render(const CaptureList& captures) const {
  std::string out;
  for (const Part& part : parts_) {
    if (!part.placeholder) {
      out += part.text;
      continue;
    }
    std::string_view value;
    for (const auto& [name, captured] : captures) {
      if (name == part.text) {
        value = whole_characters(captured);
        break;
      }
    }
    if (escape_ == Escape::cpe) {
      append_cpe(out, value);
    } else {
      out += value;
    }
  }
  return out;
}

}  // namespace fumidai::fingerprints
