#include "fumidai/db/CopyText.h"

#include <algorithm>
#include <cstring>

namespace fumidai::db {

void append_copy_text(std::string& out, std::string_view text) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char* escape = c == '\\' ? "\\\\" : c == '\t' ? "\\t" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : nullptr;
    if (escape == nullptr) continue;
    out.append(text.data() + start, i - start);
    out.append(escape);
    start = i + 1;
  }
  out.append(text.data() + start, text.size() - start);
}

bool append_copy_json(std::string& out, std::string_view json) {
  const std::size_t rollback = out.size();
  std::size_t start = 0;
  while (true) {
    const void* found = std::memchr(json.data() + start, '\\', json.size() - start);
    if (found == nullptr) break;
    const std::size_t at = static_cast<const char*>(found) - json.data();
    // A JSON escape is the backslash and at least one more character; the
    // pair is consumed together so that "\\u0000" (an escaped backslash, then
    // text) is not mistaken for the escape of NUL.
    if (at + 1 < json.size() && json[at + 1] == 'u' && json.substr(at + 2, 4) == "0000") {
      out.resize(rollback);
      return false;
    }
    out.append(json.data() + start, at - start);
    out.append("\\\\");
    if (at + 1 < json.size()) {
      if (json[at + 1] == '\\') {
        out.append("\\\\");
      } else {
        out.push_back(json[at + 1]);
      }
    }
    start = std::min(at + 2, json.size());
  }
  out.append(json.data() + start, json.size() - start);
  return true;
}

}  // namespace fumidai::db
