#include "fumidai/scanner/probes/upnp/SsdpResponse.h"

#include "fumidai/scanner/probes/http/AsciiText.h"

namespace fumidai::scanner {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The next line of `text` without its LF or CRLF; consumes it.
std::string_view next_line(std::string_view& text) {
  const std::size_t eol = text.find('\n');
  std::string_view line = text.substr(0, eol);
  text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

std::optional<SsdpResponse> SsdpResponse::parse(std::string_view datagram) {
  // "HTTP/1.1 200 OK": version, one space, a three-digit code.
  const std::string_view status = next_line(datagram);
  if (status.size() < 12 || !status.starts_with("HTTP/1.") || !is_digit(status[7]) || status[8] != ' ' ||
      !is_digit(status[9]) || !is_digit(status[10]) || !is_digit(status[11]) ||
      (status.size() > 12 && status[12] != ' '))
    return std::nullopt;
  SsdpResponse r;
  r.status_code = (status[9] - '0') * 100 + (status[10] - '0') * 10 + (status[11] - '0');
  std::size_t headers = 0;
  while (!datagram.empty()) {
    const std::string_view line = next_line(datagram);
    if (line.empty()) break;  // the end of the head
    if (++headers > kMaxHeaders) {
      r.headers_truncated = true;
      break;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;  // not a header; devices send odd lines
    const std::string_view name = http_text::trim_ows(line.substr(0, colon));
    const std::string_view value = http_text::trim_ows(line.substr(colon + 1)).substr(0, kMaxValueBytes);
    std::string* field = http_text::iequals(name, "server")     ? &r.server
                         : http_text::iequals(name, "location") ? &r.location
                         : http_text::iequals(name, "usn")      ? &r.usn
                         : http_text::iequals(name, "st")       ? &r.st
                                                                : nullptr;
    if (field != nullptr && field->empty()) field->assign(value);  // the first of repeated headers counts
  }
  return r;
}

}  // namespace fumidai::scanner
