#pragma once
// One HTTP/1.x response as a grabber records it, filled in by
// HttpResponseParser. A plain value: copy or move it anywhere.
//
// Text fields hold the peer's raw bytes (std::string used as a byte string),
// so comparisons stay exact; pass them through json_safe_text() before text
// output. Exceptions, already safe for output: `title` (valid UTF-8),
// `favicon_url` (ASCII) and `body_sha256` (hex).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fumidai::scanner {

struct HttpHeader {
  std::string name;   // as sent (case kept)
  std::string value;  // surrounding whitespace removed; obs-fold continuations joined with one space
};

struct HttpResponse {
  std::string version;  // "HTTP/1.0" or "HTTP/1.1"
  int status = 0;       // 100..999 once the status line is read
  std::string reason;
  std::vector<HttpHeader> headers;  // in the order received, duplicates kept
  std::optional<std::uint64_t> content_length;
  std::string body;             // the bytes kept: at most HttpLimits::max_body_bytes, transfer coding removed
  bool body_truncated = false;  // the peer had more body than was kept
  std::string body_sha256;      // lower-case hex of `body`
  std::optional<std::string> title;
  std::optional<std::string> favicon_url;  // from <link rel="icon">, resolved against the page URL

  // Header lookups; names compare case-insensitively (ASCII).
  std::optional<std::string_view> header(std::string_view name) const;  // the first
  std::vector<std::string_view> header_values(std::string_view name) const;

  std::optional<std::string_view> server() const { return header("Server"); }
  std::optional<std::string_view> location() const { return header("Location"); }
  // The realm of the first challenge in any WWW-Authenticate header that has
  // one: `Basic realm="x"`, `Digest realm="x", nonce="..."`; quoted-string
  // escapes removed.
  std::optional<std::string> www_authenticate_realm() const;
  // The same for a proxy's challenge (Proxy-Authenticate, RFC 9110, 11.7.1).
  std::optional<std::string> proxy_authenticate_realm() const;
  // The name of each Set-Cookie, in order; never a value (values are often
  // session secrets). A cookie without '=' is ignored, as browsers do.
  std::vector<std::string> set_cookie_names() const;
};

}  // namespace fumidai::scanner
