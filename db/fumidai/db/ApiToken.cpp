#include "fumidai/db/ApiToken.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>

namespace fumidai::db {
namespace {

constexpr std::string_view kPrefixAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view kBase64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

bool is_prefix_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_base64url_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

std::string base64url(const unsigned char* data, std::size_t size) {
  std::string out;
  out.reserve((size * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    const unsigned v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    for (int shift : {18, 12, 6, 0}) out.push_back(kBase64Url[(v >> shift) & 63]);
  }
  if (size - i == 1) {
    const unsigned v = data[i] << 16;
    for (int shift : {18, 12}) out.push_back(kBase64Url[(v >> shift) & 63]);
  } else if (size - i == 2) {
    const unsigned v = (data[i] << 16) | (data[i + 1] << 8);
    for (int shift : {18, 12, 6}) out.push_back(kBase64Url[(v >> shift) & 63]);
  }
  return out;
}

}  // namespace

std::optional<ApiToken> ApiToken::parse(std::string_view text) {
  if (text.size() != kLength || !text.starts_with(kScheme)) return std::nullopt;
  const std::string_view prefix = text.substr(kScheme.size(), kPrefixLength);
  const std::string_view secret = text.substr(kScheme.size() + kPrefixLength + 1);
  if (text[kScheme.size() + kPrefixLength] != '_') return std::nullopt;
  if (!std::all_of(prefix.begin(), prefix.end(), is_prefix_char)) return std::nullopt;
  if (!std::all_of(secret.begin(), secret.end(), is_base64url_char)) return std::nullopt;
  // 32 bytes leave 2 spare bits in the last character; a canonical encoding
  // has them clear, so each key has exactly one token.
  if (kBase64Url.find(secret.back()) % 4 != 0) return std::nullopt;
  return ApiToken{std::string(prefix), std::string(secret)};
}

Result<std::string> ApiToken::generate_prefix() {
  std::string prefix;
  unsigned char bytes[32];
  while (prefix.size() < kPrefixLength) {
    if (RAND_bytes(bytes, sizeof bytes) != 1) return make_error("cannot draw random bytes for an API key");
    for (unsigned char b : bytes) {
      // Rejection sampling: 252 = 7 × 36 keeps every character equally likely.
      if (b < 252 && prefix.size() < kPrefixLength) prefix.push_back(kPrefixAlphabet[b % kPrefixAlphabet.size()]);
    }
  }
  return prefix;
}

Result<ApiToken> ApiToken::generate() {
  auto prefix = generate_prefix();
  if (!prefix) return prefix.error();
  unsigned char secret[kSecretBytes];
  if (RAND_bytes(secret, sizeof secret) != 1) return make_error("cannot draw random bytes for an API key");
  ApiToken token{std::move(*prefix), base64url(secret, sizeof secret)};
  OPENSSL_cleanse(secret, sizeof secret);
  return token;
}

std::string ApiToken::text() const { return std::string(kScheme) + prefix + "_" + secret; }

std::array<unsigned char, 32> ApiToken::secret_hash() const {
  std::array<unsigned char, 32> hash{};
  SHA256(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), hash.data());
  return hash;
}

}  // namespace fumidai::db
