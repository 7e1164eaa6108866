#pragma once
// Reads back the COPY text fumidai writes (db/fumidai/db/CopyText.h), for the
// row encoder's tests and fuzz target. Strict: nullopt unless every row ends
// in '\n' and has `columns` fields, every backslash starts \\ \t \n \r or is
// the whole field \N, and there is no NUL or raw carriage return.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fumidai::test {

using CopyField = std::optional<std::string>;  // nullopt: \N
using CopyRow = std::vector<CopyField>;

inline std::optional<std::vector<CopyRow>> read_copy_text(std::string_view text, std::size_t columns) {
  std::vector<CopyRow> rows;
  CopyRow row;
  std::string field;
  bool null = false;
  std::size_t field_start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\0' || c == '\r') return std::nullopt;
    if (c == '\t' || c == '\n') {
      row.push_back(null ? CopyField() : CopyField(field));
      field.clear();
      null = false;
      field_start = i + 1;
      if (c == '\n') {
        if (row.size() != columns) return std::nullopt;
        rows.push_back(std::move(row));
        row.clear();
      }
      continue;
    }
    if (null) return std::nullopt;  // \N is the whole field
    if (c != '\\') {
      field.push_back(c);
      continue;
    }
    if (++i == text.size()) return std::nullopt;
    switch (text[i]) {
      case '\\':
        field.push_back('\\');
        break;
      case 't':
        field.push_back('\t');
        break;
      case 'n':
        field.push_back('\n');
        break;
      case 'r':
        field.push_back('\r');
        break;
      case 'N':
        if (i - 1 != field_start) return std::nullopt;
        null = true;
        break;
      default:
        return std::nullopt;
    }
  }
  if (!row.empty() || !field.empty() || null) return std::nullopt;  // a row without its '\n'
  return rows;
}

// A text[] literal as fumidai writes it: {} or {"a","b"}, each element quoted,
// with \" and \\ inside.
inline std::optional<std::vector<std::string>> read_text_array(std::string_view literal) {
  if (literal.size() < 2 || literal.front() != '{' || literal.back() != '}') return std::nullopt;
  std::vector<std::string> out;
  std::size_t i = 1;
  const std::size_t end = literal.size() - 1;
  while (i < end) {
    if (literal[i] != '"') return std::nullopt;
    std::string element;
    for (++i;; ++i) {
      if (i >= end) return std::nullopt;
      if (literal[i] == '"') break;
      if (literal[i] == '\\') {
        if (++i >= end) return std::nullopt;
      }
      element.push_back(literal[i]);
    }
    out.push_back(std::move(element));
    ++i;
    if (i < end) {
      if (literal[i] != ',') return std::nullopt;
      if (++i == end) return std::nullopt;
    }
  }
  return out;
}

}  // namespace fumidai::test
