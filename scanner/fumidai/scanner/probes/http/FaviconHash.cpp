#include "fumidai/scanner/probes/http/FaviconHash.h"

#include <openssl/evp.h>

#include <algorithm>

#include "fumidai/scanner/validate/MurmurHash3.h"

namespace fumidai::scanner {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
// Python's binascii.b2a_base64 is called on 57-byte chunks: 57 bytes make 76
// characters.
constexpr std::size_t kBytesPerLine = 57;

}  // namespace

std::string mime_base64(std::span<const std::uint8_t> bytes) {
  std::string out;
  const std::size_t lines = (bytes.size() + kBytesPerLine - 1) / kBytesPerLine;
  out.reserve((bytes.size() + 2) / 3 * 4 + lines);
  for (std::size_t line = 0; line < lines; ++line) {
    const std::span<const std::uint8_t> chunk =
        bytes.subspan(line * kBytesPerLine, std::min(kBytesPerLine, bytes.size() - line * kBytesPerLine));
    std::size_t i = 0;
    for (; i + 3 <= chunk.size(); i += 3) {
      const std::uint32_t v = std::uint32_t{chunk[i]} << 16 | std::uint32_t{chunk[i + 1]} << 8 | chunk[i + 2];
      out += kAlphabet[v >> 18];
      out += kAlphabet[(v >> 12) & 63];
      out += kAlphabet[(v >> 6) & 63];
      out += kAlphabet[v & 63];
    }
    if (const std::size_t rest = chunk.size() - i; rest != 0) {
      const std::uint32_t v = std::uint32_t{chunk[i]} << 16 | (rest == 2 ? std::uint32_t{chunk[i + 1]} << 8 : 0);
      out += kAlphabet[v >> 18];
      out += kAlphabet[(v >> 12) & 63];
      out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
      out += '=';
    }
    out += '\n';
  }
  return out;
}

std::int32_t shodan_favicon_hash(std::span<const std::uint8_t> icon) {
  const std::string text = mime_base64(icon);
  const std::uint32_t h = murmur3_x86_32({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}, 0);
  return static_cast<std::int32_t>(h);  // two's complement since C++20, as mmh3.hash() reads it
}

std::string favicon_md5(std::span<const std::uint8_t> icon) {
  static constexpr char kHex[] = "0123456789abcdef";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(icon.data(), icon.size(), digest, &length, EVP_md5(), nullptr) != 1) return {};
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xF];
  }
  return hex;
}

}  // namespace fumidai::scanner
