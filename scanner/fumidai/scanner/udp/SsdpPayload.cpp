#include "fumidai/scanner/udp/SsdpPayload.h"

#include <algorithm>
#include <string_view>

#include "fumidai/scanner/probes/upnp/SsdpResponse.h"

namespace fumidai::scanner {

std::size_t SsdpPayload::max_size() const { return ssdp_search_request().size(); }

std::size_t SsdpPayload::build(const UdpCookie&, std::span<std::uint8_t> out) const {
  const std::string_view search = ssdp_search_request();
  std::copy(search.begin(), search.end(), out.begin());
  return search.size();
}

bool SsdpPayload::validate(std::span<const std::uint8_t> reply, const UdpCookie&) const {
  return parse_ssdp_response(reply).has_value();
}

boost::json::object SsdpPayload::describe(std::span<const std::uint8_t> reply) const {
  const auto parsed = parse_ssdp_response(reply);
  if (!parsed) return {{"error", parsed.error().message}};
  return describe_ssdp(*parsed);
}

}  // namespace fumidai::scanner
