#pragma once
// Resolving a link found in a page (an href) against the page's own URL, as a
// browser would for http(s) (RFC 3986, 5.2, with the WHATWG URL standard's
// trimming of surrounding spaces and removal of tabs and newlines). Pure
// functions, safe from any thread; the href is untrusted and may be any bytes.
#include <optional>
#include <string>
#include <string_view>

namespace fumidai::scanner {

// Longest href or resolved URL accepted; longer ones are treated as absent,
// so one hostile attribute cannot make an output record large.
inline constexpr std::size_t kMaxUrlBytes = 2048;

// `base`: an absolute http:// or https:// URL. `reference`: relative
// ("a/b.ico", "../x", "?q"), absolute-path ("/x.ico"), protocol-relative
// ("//cdn.example/x.ico") or absolute ("https://h/x.ico"). Returns the
// absolute URL without fragment, dot segments removed, every byte outside
// printable ASCII percent-encoded (so the result is always ASCII), or nothing
// when the base is not http(s), the reference has another scheme (data:,
// javascript:, ...), names no host, or either is longer than kMaxUrlBytes.
std::optional<std::string> resolve_http_url(std::string_view base, std::string_view reference);

}  // namespace fumidai::scanner
