#include "fumidai/scanner/probes/upnp/SsdpResponse.h"

#include <charconv>

#include "fumidai/core/AsciiCase.h"
#include "fumidai/scanner/probes/http/AsciiText.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {
namespace {

using http_text::iequals;
using http_text::is_ows;
using http_text::trim_ows;

Error ssdp_error(std::string message) { return make_error("ssdp: " + std::move(message)); }

// "HTTP/1.x NNN[ reason]".
Result<void> take_status_line(std::string_view line, SsdpResponse& response) {
  const bool ok = line.size() >= 12 && line.starts_with("HTTP/1.") && (line[7] == '0' || line[7] == '1') &&
                  line[8] == ' ' && line[9] >= '1' && line[9] <= '9' && is_ascii_digit(line[10]) &&
                  is_ascii_digit(line[11]) && (line.size() == 12 || line[12] == ' ');
  if (!ok) return ssdp_error("not an HTTP/1.x response: " + quote_bytes(line));
  response.version = std::string(line.substr(0, 8));
  response.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (line.size() > 13) response.reason = std::string(line.substr(13));
  return {};
}

void keep_first(std::optional<std::string>& field, const std::string& value) {
  if (!field) field = value;
}

void set_safe_text(boost::json::object& o, std::string_view key, const std::optional<std::string>& value) {
  if (value) o[key] = json_safe_text(*value);
}

}  // namespace

std::optional<std::uint32_t> SsdpResponse::max_age() const {
  if (!cache_control) return std::nullopt;
  // "max-age = 1800", possibly among other directives.
  std::string_view rest = *cache_control;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    std::string_view directive = trim_ows(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const std::size_t eq = directive.find('=');
    if (eq == std::string_view::npos || !iequals(trim_ows(directive.substr(0, eq)), "max-age")) continue;
    const std::string_view value = trim_ows(directive.substr(eq + 1));
    std::uint32_t seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc() && end == value.data() + value.size()) return seconds;
    return std::nullopt;
  }
  return std::nullopt;
}

Result<SsdpResponse> parse_ssdp_response(std::span<const std::uint8_t> datagram) {
  std::string_view text(reinterpret_cast<const char*>(datagram.data()),
                        std::min(datagram.size(), SsdpResponse::kMaxDatagramBytes));
  SsdpResponse response;
  bool status_read = false;
  while (!text.empty()) {
    const std::size_t lf = text.find('\n');
    std::string_view line = text.substr(0, lf);
    text.remove_prefix(lf == std::string_view::npos ? text.size() : lf + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!status_read) {
      if (auto ok = take_status_line(line, response); !ok) return ok.error();
      status_read = true;
      continue;
    }
    if (line.empty()) break;  // the end of the head; SSDP has no body
    if (is_ows(line.front())) {
      // An obs-fold continuation of the previous value.
      if (response.headers.empty()) return ssdp_error("continuation line before any header");
      std::string& value = response.headers.back().value;
      value.append(" ").append(trim_ows(line));
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 ||
        line.substr(0, colon).find_first_of(" \t") != std::string_view::npos)
      return ssdp_error("bad header line " + quote_bytes(line));
    if (response.headers.size() == SsdpResponse::kMaxHeaders)
      return ssdp_error("more than " + std::to_string(SsdpResponse::kMaxHeaders) + " header lines");
    response.headers.push_back({std::string(line.substr(0, colon)), std::string(trim_ows(line.substr(colon + 1)))});
  }
  if (!status_read) return ssdp_error("empty datagram");
  for (const SsdpHeader& h : response.headers) {
    if (iequals(h.name, "SERVER"))
      keep_first(response.server, h.value);
    else if (iequals(h.name, "LOCATION"))
      keep_first(response.location, h.value);
    else if (iequals(h.name, "USN"))
      keep_first(response.usn, h.value);
    else if (iequals(h.name, "ST"))
      keep_first(response.st, h.value);
    else if (iequals(h.name, "CACHE-CONTROL"))
      keep_first(response.cache_control, h.value);
    else if (iequals(h.name, "EXT"))
      response.ext = true;
  }
  return response;
}

std::string_view ssdp_search_request() {
  // MX 1: a device may wait up to MX seconds before it answers (UDA 1.3.3),
  // so a small MX keeps the answer inside the read timeout.
  return "M-SEARCH * HTTP/1.1\r\n"
         "HOST: 239.255.255.250:1900\r\n"
         "MAN: \"ssdp:discover\"\r\n"
         "MX: 1\r\n"
         "ST: upnp:rootdevice\r\n"
         "\r\n";
}

boost::json::object describe_ssdp(const SsdpResponse& r) {
  boost::json::object o;
  o["status_code"] = r.status;
  set_safe_text(o, "server", r.server);
  set_safe_text(o, "location", r.location);
  set_safe_text(o, "usn", r.usn);
  set_safe_text(o, "st", r.st);
  set_safe_text(o, "cache_control", r.cache_control);
  if (const auto max_age = r.max_age()) o["max_age"] = *max_age;
  o["ext"] = r.ext;
  boost::json::object headers;
  for (const SsdpHeader& h : r.headers) {
    std::string name = json_safe_text(h.name);
    for (char& c : name) c = http_text::to_lower(c);
    const std::string value = json_safe_text(h.value);
    if (auto* existing = headers.if_contains(name))
      existing->as_string().append(", ").append(value);
    else
      headers[name] = value;
  }
  o["headers"] = std::move(headers);
  return o;
}

}  // namespace fumidai::scanner
