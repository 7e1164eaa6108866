#include "fumidai/mail/Base64.h"

#include <cstdint>

namespace fumidai::mail {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int value_of(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}
}  // namespace

std::string base64_encode(std::string_view data, std::size_t line_length) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4 + (line_length ? data.size() / line_length * 2 + 2 : 0));
  std::size_t on_line = 0;
  const auto put = [&](char c) {
    out += c;
    if (line_length != 0 && ++on_line == line_length) {
      out += "\r\n";
      on_line = 0;
    }
  };
  for (std::size_t i = 0; i < data.size(); i += 3) {
    std::uint32_t chunk = static_cast<unsigned char>(data[i]) << 16;
    const std::size_t left = data.size() - i;
    if (left > 1) chunk |= static_cast<unsigned char>(data[i + 1]) << 8;
    if (left > 2) chunk |= static_cast<unsigned char>(data[i + 2]);
    put(kAlphabet[chunk >> 18 & 63]);
    put(kAlphabet[chunk >> 12 & 63]);
    put(left > 1 ? kAlphabet[chunk >> 6 & 63] : '=');
    put(left > 2 ? kAlphabet[chunk & 63] : '=');
  }
  if (line_length != 0 && on_line != 0) out += "\r\n";
  return out;
}

std::string base64_decode_lenient(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t bits = 0;
  int count = 0;
  for (const char c : text) {
    if (c == '=') break;
    const int v = value_of(c);
    if (v < 0) continue;
    bits = bits << 6 | static_cast<std::uint32_t>(v);
    if (++count == 4) {
      out += static_cast<char>(bits >> 16 & 0xff);
      out += static_cast<char>(bits >> 8 & 0xff);
      out += static_cast<char>(bits & 0xff);
      bits = 0;
      count = 0;
    }
  }
  if (count == 2) out += static_cast<char>(bits >> 4 & 0xff);
  if (count == 3) {
    out += static_cast<char>(bits >> 10 & 0xff);
    out += static_cast<char>(bits >> 2 & 0xff);
  }
  return out;
}

}  // namespace fumidai::mail
