#pragma once
// What the canary reads from whoever connects (a proxy relaying for a probe,
// or anyone): one HTTP/1.x request head. Exactly one request is valid:
//   GET /fumidai-canary/TOKEN HTTP/1.x            (origin form: SOCKS, CONNECT)
//   GET http://AUTHORITY/fumidai-canary/TOKEN HTTP/1.x   (absolute form, as
//                                                  some proxies forward it)
// with TOKEN as is_canary_token() says. Headers are not looked at. Anything
// else is bad, and what stood where the token belongs is kept (cut) for the
// log. Bytes come from the network: nothing is assumed about them.
// Contract: pure functions; results own their bytes.
#include <cstddef>
#include <string>
#include <string_view>

namespace fumidai::scanner {

struct CanaryRequest {
  bool valid = false;
  // Valid: the token. Bad: the token candidate, the request target or the
  // request line, raw bytes cut to kMaxLoggedBytes (make them safe text
  // before output).
  std::string token;

  static constexpr std::size_t kMaxLoggedBytes = 64;
};

struct CanaryRequestHead {
  // Length of the head (through its empty line, CRLF or bare LF) at the start
  // of `bytes`, or 0 while it is incomplete. Scanning starts at `from`, so a
  // caller that appends can skip what it already searched (minus 3 bytes).
  static std::size_t find_end(std::string_view bytes, std::size_t from);
  // `head`: a complete head as find_end() delimited it, or whatever arrived
  // when it never completed (always bad then, unless its request line is).
  static CanaryRequest parse(std::string_view head);
};

}  // namespace fumidai::scanner
