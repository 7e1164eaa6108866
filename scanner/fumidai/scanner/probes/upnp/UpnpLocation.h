#pragma once
// The LOCATION of an SSDP answer, split into what the "upnp" module uses
// (port and path) and what it only records (host). The host is never
// contacted: a device's LOCATION usually names its LAN address (192.168.x.y)
// and could name anything, so the module fetches the description from the
// scanned address on LOCATION's port and path.
//
// parse_upnp_location() takes untrusted bytes. Accepted: "http://" (any
// case), a host (IPv4, name or [IPv6], unchecked), an optional port 1..65535,
// and a path (default "/"); the fragment is dropped. The path goes into our
// request line, so every byte outside printable ASCII, and the space, is
// percent-encoded. A pure function, safe from any thread.
#include <cstdint>
#include <string>
#include <string_view>

#include "fumidai/core/Error.h"

namespace fumidai::scanner {

struct UpnpLocation {
  static constexpr std::size_t kMaxBytes = 2048;

  std::string host;  // as written, for the record only
  std::uint16_t port = 80;
  std::string path;  // starts with '/', query kept, printable ASCII
};

Result<UpnpLocation> parse_upnp_location(std::string_view location);

}  // namespace fumidai::scanner
