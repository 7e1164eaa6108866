#include "fumidai/db/PageCursor.h"

#include <fmt/format.h>

namespace fumidai::db {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int sextet(char c) {
  const auto at = kAlphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

}  // namespace

std::string PageCursor::encode(std::string_view key) {
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (const unsigned char c : key) {
    bits = (bits << 8) | c;
    count += 8;
    while (count >= 6) {
      count -= 6;
      out += kAlphabet[(bits >> count) & 0x3f];
    }
  }
  if (count > 0) out += kAlphabet[(bits << (6 - count)) & 0x3f];
  return out;
}

Result<std::string> PageCursor::decode(std::string_view cursor) {
  if (cursor.empty() || cursor.size() > kMaxLength || cursor.size() % 4 == 1) {
    return make_input_error("cursor: not a cursor this API returned");
  }
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (const char c : cursor) {
    const int value = sextet(c);
    if (value < 0) return make_input_error("cursor: not a cursor this API returned");
    bits = (bits << 6) | static_cast<unsigned>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  // Leftover bits must be zero, or two cursors would decode alike.
  if ((bits & ((1u << count) - 1)) != 0) return make_input_error("cursor: not a cursor this API returned");
  return out;
}

}  // namespace fumidai::db
