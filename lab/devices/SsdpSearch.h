#pragma once
// SSDP search (UPnP Device Architecture 1.1, section 1.3): the unicast
// M-SEARCH the emulator's SSDP responder answers, and its reply. Bytes come
// from the network: parse() accepts only "M-SEARCH * HTTP/1.1" followed by
// header lines (no bare CR) up to an empty line (or the datagram's end), with
// MAN "ssdp:discover" and a non-empty ST, each once; anything else is nullopt
// and gets no reply.
// Contract: pure functions; the views point into the caller's datagram.
#include <optional>
#include <string>
#include <string_view>

#include "DevicePersona.h"

namespace fumidai::lab {

struct SsdpSearch {
  std::string_view st;  // the search target, without surrounding blanks

  static std::optional<SsdpSearch> parse(std::string_view datagram);

  // "HTTP/1.1 200 OK" with CACHE-CONTROL, EXT, LOCATION, SERVER, ST and USN
  // from `ssdp`, then `extra` headers.
  static std::string reply(const DevicePersona::Ssdp& ssdp, const DevicePersona::Headers& extra, std::string_view st,
                           std::string_view usn);
};

}  // namespace fumidai::lab
