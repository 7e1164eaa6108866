// Fuzz target: one datagram that answers (or pretends to answer) our SSDP
// M-SEARCH, and the LOCATION it names.
//
// 1. parse_ssdp_response() stays within its limits: at most kMaxHeaders
//    headers, every field one of them, a status 100..999.
// 2. parse_upnp_location() on any LOCATION gives a path that is safe in a
//    request line: it starts with '/', holds only printable ASCII without
//    spaces, and is bounded; a port is never 0.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "FuzzCheck.h"
#include "fumidai/scanner/probes/upnp/SsdpResponse.h"
#include "fumidai/scanner/probes/upnp/UpnpLocation.h"

using namespace fumidai::scanner;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto response = parse_ssdp_response(std::span<const std::uint8_t>(data, size));
  if (!response) return 0;
  FUZZ_CHECK(response->status >= 100 && response->status <= 999);
  FUZZ_CHECK(response->headers.size() <= SsdpResponse::kMaxHeaders);
  std::size_t header_bytes = 0;
  for (const SsdpHeader& h : response->headers) header_bytes += h.name.size() + h.value.size();
  FUZZ_CHECK(header_bytes <= SsdpResponse::kMaxDatagramBytes);
  (void)response->max_age();
  if (!response->location) return 0;
  const auto location = parse_upnp_location(*response->location);
  if (!location) return 0;
  FUZZ_CHECK(location->port != 0);
  FUZZ_CHECK(!location->path.empty() && location->path.front() == '/');
  FUZZ_CHECK(location->path.size() <= 3 * UpnpLocation::kMaxBytes + 1);
  for (const char c : location->path) FUZZ_CHECK(c > ' ' && c <= '~');
  return 0;
}
