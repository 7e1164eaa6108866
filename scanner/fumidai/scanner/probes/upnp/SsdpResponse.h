#pragma once
// One SSDP answer to a unicast M-SEARCH (UPnP Device Architecture, "HTTPU"):
// an HTTP/1.x response head in a single UDP datagram. Parsed for the fields
// that name a device: the status code, SERVER, LOCATION, USN and ST.
// Untrusted input, bounded: lines end at LF (a CR before it is dropped); at
// most kMaxHeaders header lines are read, each kept value is cut at
// kMaxValueBytes, and a head that never ends ends with the datagram. Values
// are kept as sent; SafeText makes them fit for output. Pure function, any
// thread.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace fumidai::scanner {

struct SsdpResponse {
  static constexpr std::size_t kMaxHeaders = 32;
  static constexpr std::size_t kMaxValueBytes = 512;

  int status_code = 0;
  std::string server;              // "<os>/<version> UPnP/<version> <product>/<version>"
  std::string location;            // the device description's URL
  std::string usn;                 // unique service name: "uuid:...::upnp:rootdevice"
  std::string st;                  // the search target answered
  bool headers_truncated = false;  // more than kMaxHeaders header lines

  // nullopt unless the datagram starts with an "HTTP/1.x NNN" status line.
  static std::optional<SsdpResponse> parse(std::string_view datagram);
};

}  // namespace fumidai::scanner
