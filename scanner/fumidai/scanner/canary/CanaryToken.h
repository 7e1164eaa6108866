#pragma once
// Canary tokens: 128 random bits in lower-case hex, one per grabbed target,
// carried in the request path /fumidai-canary/TOKEN. The canary accepts
// exactly this form and nothing else.
// Contract: pure functions, safe from any thread.
#include <cstddef>
#include <string>
#include <string_view>

#include "fumidai/core/Error.h"

namespace fumidai::scanner {

inline constexpr std::size_t kCanaryTokenChars = 32;
inline constexpr std::string_view kCanaryPathPrefix = "/fumidai-canary/";

// From OpenSSL's CSPRNG; an error only if it cannot be seeded.
Result<std::string> make_canary_token();
// [0-9a-f]{32}.
bool is_canary_token(std::string_view text);

}  // namespace fumidai::scanner
