#include "fumidai/scanner/udp/SsdpPayload.h"

#include <algorithm>
#include <string_view>

#include "fumidai/scanner/probes/text/SafeText.h"
#include "fumidai/scanner/probes/upnp/SsdpResponse.h"

namespace fumidai::scanner {
namespace {

// HOST names the SSDP multicast group, as control points send it; devices
// answer a unicast M-SEARCH to their own address with it (UDA 1.1 allows
// either). MX is for multicast only and left out.
constexpr std::string_view kSearch =
    "M-SEARCH * HTTP/1.1\r\n"
    "HOST: 239.255.255.250:1900\r\n"
    "MAN: \"ssdp:discover\"\r\n"
    "ST: upnp:rootdevice\r\n"
    "\r\n";

std::string_view as_text(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

std::size_t SsdpPayload::max_size() const { return kSearch.size(); }

std::size_t SsdpPayload::build(const UdpCookie&, std::span<std::uint8_t> out) const {
  std::copy(kSearch.begin(), kSearch.end(), out.begin());
  return kSearch.size();
}

bool SsdpPayload::validate(std::span<const std::uint8_t> reply, const UdpCookie&) const {
  return SsdpResponse::parse(as_text(reply)).has_value();
}

boost::json::object SsdpPayload::describe(std::span<const std::uint8_t> reply) const {
  boost::json::object data;
  const auto parsed = SsdpResponse::parse(as_text(reply));
  if (!parsed) {
    data["error"] = "not an HTTP status line";
    return data;
  }
  data["status_code"] = parsed->status_code;
  for (const auto& [key, value] : {std::pair{"server", &parsed->server}, std::pair{"location", &parsed->location},
                                   std::pair{"usn", &parsed->usn}, std::pair{"st", &parsed->st}}) {
    if (!value->empty()) data[key] = json_safe_text(*value);
  }
  if (parsed->headers_truncated) data["headers_truncated"] = true;
  return data;
}

}  // namespace fumidai::scanner
