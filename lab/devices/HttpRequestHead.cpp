#include "HttpRequestHead.h"

#include <algorithm>

#include "fumidai/core/AsciiCase.h"
#include "fumidai/core/Trim.h"

namespace fumidai::lab {
namespace {

// Whether the comma-separated list `value` holds `token` (lower case), any case.
bool has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (equals_lower(item, token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

std::size_t HttpRequestHead::find_end(std::string_view bytes, std::size_t from) {
  for (std::size_t i = bytes.find('\n', from); i != std::string_view::npos; i = bytes.find('\n', i + 1)) {
    if (i + 1 < bytes.size() && bytes[i + 1] == '\n') return i + 2;
    if (i + 2 < bytes.size() && bytes[i + 1] == '\r' && bytes[i + 2] == '\n') return i + 3;
  }
  return 0;
}

std::optional<HttpRequestHead> HttpRequestHead::parse(std::string_view head) {
  const std::size_t line_end = head.find('\n');
  if (line_end == std::string_view::npos) return std::nullopt;
  std::string_view line = head.substr(0, line_end);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

  const std::size_t first_space = line.find(' ');
  const std::size_t last_space = line.rfind(' ');
  if (first_space == std::string_view::npos || first_space == 0 || last_space == first_space) return std::nullopt;
  HttpRequestHead request;
  request.method = line.substr(0, first_space);
  std::string_view target = line.substr(first_space + 1, last_space - first_space - 1);
  const std::string_view version = line.substr(last_space + 1);
  if (target.empty() || target.find(' ') != std::string_view::npos) return std::nullopt;
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return std::nullopt;

  // Absolute form (a proxy-style request): keep the path after scheme://authority.
  if (const std::size_t scheme = target.find("://"); scheme != std::string_view::npos && target.front() != '/') {
    const std::size_t path_start = target.find('/', scheme + 3);
    target = path_start == std::string_view::npos ? std::string_view("/") : target.substr(path_start);
  }
  request.path = target.substr(0, target.find_first_of("?#"));

  bool close = false;
  bool keep_alive = false;
  std::string_view rest = head.substr(line_end + 1);
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    std::string_view header = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    const std::size_t colon = header.find(':');
    if (colon == std::string_view::npos) continue;  // the empty line, or junk we need not judge
    const std::string_view name = header.substr(0, colon);
    const std::string_view value = trim_blanks(header.substr(colon + 1));
    if (equals_lower(name, "connection")) {
      close = close || has_token(value, "close");
      keep_alive = keep_alive || has_token(value, "keep-alive");
    } else if (equals_lower(name, "content-length")) {
      request.has_body = request.has_body || value != "0";
    } else if (equals_lower(name, "transfer-encoding")) {
      request.has_body = true;
    }
  }
  request.keep_alive = version == "HTTP/1.1" ? !close : keep_alive && !close;
  return request;
}

}  // namespace fumidai::lab
