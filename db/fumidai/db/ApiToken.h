#pragma once
// The bearer token of an API key: "fmd_" + an 8-character lookup prefix
// ([a-z0-9], not secret: it finds the row) + "_" + a 43-character secret (32
// random bytes, base64url without padding). Only the secret's SHA-256 is
// stored; the token is shown once, when the key is made.
// parse() reads untrusted input (an Authorization header): anything but that
// exact shape is nullopt, so a malformed token never reaches the database.
// Contract: a plain value; parse() and the hash are pure, generate() draws
// from OpenSSL's CSPRNG.
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "fumidai/core/Error.h"

namespace fumidai::db {

struct ApiToken {
  static constexpr std::string_view kScheme = "fmd_";
  static constexpr std::size_t kPrefixLength = 8;
  static constexpr std::size_t kSecretBytes = 32;
  static constexpr std::size_t kSecretLength = 43;  // base64url of 32 bytes, unpadded
  static constexpr std::size_t kLength = kScheme.size() + kPrefixLength + 1 + kSecretLength;

  std::string prefix;
  std::string secret;

  static std::optional<ApiToken> parse(std::string_view text);
  // A new random token; an error only if the CSPRNG fails.
  static Result<ApiToken> generate();
  // A new random prefix for the same secret (after a prefix collision).
  static Result<std::string> generate_prefix();

  std::string text() const;
  std::array<unsigned char, 32> secret_hash() const;  // SHA-256 of the secret's text
};

}  // namespace fumidai::db
