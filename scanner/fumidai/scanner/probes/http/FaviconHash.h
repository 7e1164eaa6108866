#pragma once
// Favicon hashes. Shodan's (http.favicon.hash): MurmurHash3_x86_32, seed 0, over
// the MIME base64 of the icon's bytes exactly as Python's
// base64.encodebytes() writes it (a '\n' after every 76 characters and after
// the last line), read as a signed 32-bit integer. Pure functions, safe from
// any thread; the caller bounds the icon's size (GrabOptions::max_favicon_bytes).
#include <cstdint>
#include <span>
#include <string>

namespace fumidai::scanner {

// Python's base64.encodebytes(): standard alphabet with '=' padding, 76
// characters a line, every line ending in '\n'; empty input gives "".
std::string mime_base64(std::span<const std::uint8_t> bytes);

std::int32_t shodan_favicon_hash(std::span<const std::uint8_t> icon);

// The MD5 of the icon's bytes in lower-case hex: how Recog's favicons.xml
// keys icons. Empty only if OpenSSL cannot allocate.
std::string favicon_md5(std::span<const std::uint8_t> icon);

}  // namespace fumidai::scanner
