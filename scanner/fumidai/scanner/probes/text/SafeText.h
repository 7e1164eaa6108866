#pragma once
// Bytes from untrusted peers, made fit for text outputs. Probe parsers keep
// what a server sent as raw bytes (std::string used as a byte string), so
// nothing is lost and comparisons stay exact; outputs and error messages pass
// them through one of these first. Pure functions, safe from any thread.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace fumidai::scanner {

// Valid UTF-8 passes through unchanged. Each maximal ill-formed subsequence
// (Unicode's "substitution of maximal subparts", as browsers do) and each NUL
// becomes U+FFFD. NUL goes because PostgreSQL text and jsonb cannot hold it,
// and C consumers of the JSON would cut the string there. Other control
// characters stay: they are valid text, and JSON serialisers escape them.
std::string json_safe_text(std::string_view bytes);

// For one-line error messages: the first `max_bytes` bytes in double quotes,
// printable ASCII as is, '"' and '\' backslash-escaped, anything else as
// \xNN, and "..." after the quotes when cut.
std::string quote_bytes(std::string_view bytes, std::size_t max_bytes = 48);

// Appends code point `cp` (at most U+10FFFF, the caller checks) as UTF-8.
void append_utf8(std::uint32_t cp, std::string& out);

}  // namespace fumidai::scanner
