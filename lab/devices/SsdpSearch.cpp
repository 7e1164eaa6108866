#include "SsdpSearch.h"

#include <fmt/format.h>

#include <algorithm>

#include "fumidai/core/AsciiCase.h"
#include "fumidai/core/Trim.h"

namespace fumidai::lab {
namespace {

// The next line of `rest` without its CRLF or LF; `rest` moves past it.
std::string_view next_line(std::string_view& rest) {
  const std::size_t end = rest.find('\n');
  std::string_view line = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

std::optional<SsdpSearch> SsdpSearch::parse(std::string_view datagram) {
  std::string_view rest = datagram;
  if (next_line(rest) != "M-SEARCH * HTTP/1.1") return std::nullopt;
  std::optional<std::string_view> man;
  std::optional<std::string_view> st;
  while (!rest.empty()) {
    const std::string_view line = next_line(rest);
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    // A CR inside a line (a bare CR) belongs to no header.
    if (colon == std::string_view::npos || colon == 0 || line.find('\r') != std::string_view::npos) {
      return std::nullopt;
    }
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = trim_blanks(line.substr(colon + 1));
    if (equals_lower(name, "man") || equals_lower(name, "st")) {
      auto& field = equals_lower(name, "man") ? man : st;
      if (field) return std::nullopt;
      field = value;
    }
  }
  if (!man || *man != "\"ssdp:discover\"" || !st || st->empty()) return std::nullopt;
  return SsdpSearch{*st};
}

std::string SsdpSearch::reply(const DevicePersona::Ssdp& ssdp, const DevicePersona::Headers& extra, std::string_view st,
                              std::string_view usn) {
  std::string out = fmt::format(
      "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age={}\r\nEXT:\r\nLOCATION: {}\r\nSERVER: {}\r\nST: {}\r\nUSN: {}\r\n",
      ssdp.max_age_s, ssdp.location, ssdp.server, st, usn);
  for (const auto& [name, value] : extra) out.append(name).append(": ").append(value).append("\r\n");
  out.append("\r\n");
  return out;
}

}  // namespace fumidai::lab
