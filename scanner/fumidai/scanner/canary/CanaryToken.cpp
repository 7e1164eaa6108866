#include "fumidai/scanner/canary/CanaryToken.h"

#include <openssl/rand.h>

#include <array>
#include <cstdint>

namespace fumidai::scanner {

Result<std::string> make_canary_token() {
  std::array<std::uint8_t, kCanaryTokenChars / 2> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    return make_error("cannot make a canary token: OpenSSL's random generator failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  token.reserve(kCanaryTokenChars);
  for (const std::uint8_t b : bytes) {
    token += kHex[b >> 4];
    token += kHex[b & 0xf];
  }
  return token;
}

bool is_canary_token(std::string_view text) {
  if (text.size() != kCanaryTokenChars) return false;
  for (const char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace fumidai::scanner
