#include "fumidai/scanner/probes/upnp/UpnpLocation.h"

#include <fmt/format.h>

#include <charconv>

#include "fumidai/scanner/probes/http/AsciiText.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {

Result<UpnpLocation> parse_upnp_location(std::string_view location) {
  location = http_text::trim_ows(location);
  if (location.size() > UpnpLocation::kMaxBytes)
    return make_error(fmt::format("LOCATION longer than {} bytes", UpnpLocation::kMaxBytes));
  constexpr std::string_view kScheme = "http://";
  if (!http_text::istarts_with(location, kScheme))
    return make_error("LOCATION is not an http:// URL: " + quote_bytes(location));
  location.remove_prefix(kScheme.size());
  location = location.substr(0, location.find('#'));
  const std::size_t path_start = std::min(location.find_first_of("/?"), location.size());
  std::string_view authority = location.substr(0, path_start);
  const std::string_view path = location.substr(path_start);

  UpnpLocation parts;
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  // The port follows the last ':' unless that is inside an [IPv6] literal.
  const std::size_t colon = authority.rfind(':');
  const std::size_t bracket = authority.rfind(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    const std::string_view port_text = authority.substr(colon + 1);
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535)
      return make_error("LOCATION has a bad port " + quote_bytes(port_text));
    parts.port = static_cast<std::uint16_t>(port);
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return make_error("LOCATION names no host");
  parts.host = std::string(authority);
  if (path.empty() || path.front() != '/') parts.path = "/";
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f)
      parts.path += fmt::format("%{:02X}", byte);
    else
      parts.path += c;
  }
  return parts;
}

}  // namespace fumidai::scanner
