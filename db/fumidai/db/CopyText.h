#pragma once
// PostgreSQL's COPY text format (the default of COPY ... FROM STDIN): fields
// separated by a tab, rows ended by a newline, \N for NULL, and a backslash
// escaping the bytes that would end a field or row. Arrays are written as
// their literal ({"a","b"}), every element quoted, and then escaped as a field.
// Contract: pure functions appending to `out`; text must not contain NUL
// (COPY text cannot carry it: callers reject it first).
#include <string>
#include <string_view>

namespace fumidai::db {

// Appends `text` as one field: backslash, tab, newline and carriage return escaped.
void append_copy_text(std::string& out, std::string_view text);

// Appends serialized JSON as one field. JSON text has no raw control
// characters (the serializer escapes them), so only its backslashes double.
// False, with nothing appended, when it holds the escape \u0000: PostgreSQL's
// jsonb (and text) cannot hold NUL.
bool append_copy_json(std::string& out, std::string_view json);

// The NULL marker.
inline void append_copy_null(std::string& out) { out.append("\\N"); }

// A text[] field from `elements` (none gives {}).
template <class Range>
void append_copy_text_array(std::string& out, const Range& elements) {
  out.push_back('{');
  bool first = true;
  for (const auto& element : elements) {
    if (!first) out.push_back(',');
    first = false;
    out.push_back('"');
    for (char c : std::string_view(element)) {
      switch (c) {
        // Array quoting escapes " and \ with a backslash; COPY then doubles
        // every backslash.
        case '"':
          out.append("\\\\\"");
          break;
        case '\\':
          out.append("\\\\\\\\");
          break;
        case '\t':
          out.append("\\t");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        default:
          out.push_back(c);
      }
    }
    out.push_back('"');
  }
  out.push_back('}');
}

}  // namespace fumidai::db
