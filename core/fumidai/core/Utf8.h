#pragma once
// UTF-8 validity, one implementation for everything that takes text from
// outside (attribution files, API requests): shortest form only, no
// surrogates, nothing above U+10FFFF.
// Contract: pure functions.
#include <cstddef>
#include <string_view>

namespace fumidai {

// The length of the UTF-8 sequence at the start of `text` (1..4), or 0 if
// `text` is empty or does not start with a valid, shortest-form scalar value.
std::size_t utf8_sequence_length(std::string_view text);

// Whether all of `text` is valid UTF-8.
bool is_valid_utf8(std::string_view text);

}  // namespace fumidai
