#include "SsdpSearch.h"

#include <fmt/format.h>

#include <algorithm>

namespace fumidai::lab {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view lower_case) {
  return a.size() == lower_case.size() &&
         std::equal(a.begin(), a.end(), lower_case.begin(), [](char x, char y) { return lower(x) == y; });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

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
    const std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "man") || iequals(name, "st")) {
      auto& field = iequals(name, "man") ? man : st;
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
