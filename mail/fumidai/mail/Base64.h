#pragma once
// Base64 (RFC 2045 6.8) for MIME bodies and encoded-words, and a lenient
// decoder for what other mailers send.
// Contract: pure functions.
#include <cstddef>
#include <string>
#include <string_view>

namespace fumidai::mail {

// `line_length` 0: one line; otherwise CRLF after every `line_length`
// characters (a multiple of 4) and after the last line.
std::string base64_encode(std::string_view data, std::size_t line_length = 0);

// Skips whitespace and anything outside the alphabet, stops at '=': mailers
// wrap and pad in every way, and a bounce is read best-effort.
std::string base64_decode_lenient(std::string_view text);

}  // namespace fumidai::mail
