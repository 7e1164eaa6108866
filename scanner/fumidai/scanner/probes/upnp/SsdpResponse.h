#pragma once
// An SSDP answer to a unicast M-SEARCH (UPnP Device Architecture 2.0,
// 1.3.3): one datagram holding an HTTP/1.1 response head, no body.
//
// parse_ssdp_response() takes the datagram's bytes as untrusted input.
// Memory and work are bounded by the datagram (at most kMaxDatagramBytes
// are looked at) and by kMaxHeaders; nothing throws on input. Accepted: a
// status line "HTTP/1.x NNN reason", header lines "Name: value" ending in
// CRLF or a bare LF, up to the empty line or the datagram's end (devices
// that leave out the final empty line are common). Anything else is an
// Error naming what was wrong. A pure function, safe from any thread.
//
// Field values are the peer's raw bytes (surrounding whitespace removed);
// pass them through json_safe_text() before output.
#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/core/Error.h"

namespace fumidai::scanner {

struct SsdpHeader {
  std::string name;  // as sent
  std::string value;
};

struct SsdpResponse {
  static constexpr std::size_t kMaxDatagramBytes = 8192;
  static constexpr std::size_t kMaxHeaders = 32;

  std::string version;  // "HTTP/1.1" or "HTTP/1.0"
  int status = 0;       // 100..999
  std::string reason;
  std::vector<SsdpHeader> headers;  // in order, at most kMaxHeaders
  // The first of each, names compared case-insensitively.
  std::optional<std::string> server;
  std::optional<std::string> location;
  std::optional<std::string> usn;
  std::optional<std::string> st;
  std::optional<std::string> cache_control;
  bool ext = false;  // the (empty) EXT header that confirms the MAN was understood

  // CACHE-CONTROL's max-age in seconds, if it has a valid one.
  std::optional<std::uint32_t> max_age() const;
};

Result<SsdpResponse> parse_ssdp_response(std::span<const std::uint8_t> datagram);

// The record's fields for an answer, as safe text: status_code, server,
// location, usn, st, cache_control, max_age, ext and every header by
// lower-case name (stage 1's "upnp" payload and stage 2's "upnp" module).
boost::json::object describe_ssdp(const SsdpResponse& response);

// The unicast M-SEARCH for root devices that the "upnp" module sends.
std::string_view ssdp_search_request();

}  // namespace fumidai::scanner
