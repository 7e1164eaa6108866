#pragma once
// The canary's secret: the key of the HMAC that proves an answer came from
// our canary. The canary answers a token with HMAC-SHA256(key, token); the
// grabber, which holds the same key, checks the answer that came back
// through a proxy. A proxy that did not relay cannot make that answer up.
//
// The key file holds the key in hex on one line (whitespace around it is
// ignored): at least kMinBytes random bytes. write_new() makes one, readable
// by its owner only; load() refuses a file that group or others may read.
// Contract: a plain value, immutable once loaded; safe to share read-only
// between threads.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/core/Error.h"

namespace fumidai::scanner {

class CanaryKey {
 public:
  static constexpr std::size_t kMinBytes = 32;
  static constexpr std::size_t kMaxBytes = 1024;
  static constexpr std::size_t kNewKeyBytes = 32;

  static Result<CanaryKey> load(const std::string& path);
  // Creates `path` (never overwrites) with a fresh random key, mode 0600.
  static Result<void> write_new(const std::string& path);
  // `hex`: the key file's content.
  static Result<CanaryKey> from_hex(std::string_view hex);

  // Lower-case hex HMAC-SHA256(key, token): 64 characters.
  std::string proof(std::string_view token) const;
  // The canary's whole answer body for `token`: "fumidai-canary TOKEN PROOF\n".
  std::string answer(std::string_view token) const;
  // Whether `body` is the answer for `token` (a trailing line end is
  // optional; nothing else may differ). Constant time in the proof.
  bool proves(std::string_view body, std::string_view token) const;

 private:
  explicit CanaryKey(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)) {}

  std::vector<std::uint8_t> bytes_;
};

}  // namespace fumidai::scanner
