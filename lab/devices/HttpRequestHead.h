#pragma once
// The little the emulator needs from a request head: the path to look up and
// whether the connection stays open afterwards. Bytes come from the network:
// nothing is assumed about them; a head that is not HTTP/1.x gets nullopt
// (the session answers 400 and closes).
// Contract: pure functions; the views point into the caller's buffer.
#include <cstddef>
#include <optional>
#include <string_view>

namespace fumidai::lab {

struct HttpRequestHead {
  std::string_view method;
  std::string_view path;  // without query and fragment; absolute-form targets reduced to their path
  bool keep_alive = false;
  bool has_body = false;  // Content-Length other than 0, or Transfer-Encoding

  // Length of the head (through its empty line, CRLF or bare LF) at the start
  // of `bytes`, or 0 while it is incomplete. Scanning starts at `from`, so a
  // caller that appends can skip what it already searched (minus 3 bytes).
  static std::size_t find_end(std::string_view bytes, std::size_t from);

  // `head` is a complete head as find_end() delimited it.
  static std::optional<HttpRequestHead> parse(std::string_view head);
};

}  // namespace fumidai::lab
