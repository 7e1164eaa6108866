#include "fumidai/scanner/probes/text/SafeText.h"

#include <cstdint>

namespace fumidai::scanner {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The valid range of the second byte of a multi-byte sequence, per lead byte
// (Unicode Table 3-7); it is what rules out overlong forms, surrogates and
// code points above U+10FFFF. Later continuation bytes are always 80..BF.
struct Lead {
  std::size_t length;  // 0: not a lead byte
  std::uint8_t second_min, second_max;
};

Lead classify(std::uint8_t b) {
  if (b >= 0xC2 && b <= 0xDF) return {2, 0x80, 0xBF};
  if (b == 0xE0) return {3, 0xA0, 0xBF};
  if (b == 0xED) return {3, 0x80, 0x9F};
  if (b >= 0xE1 && b <= 0xEF) return {3, 0x80, 0xBF};
  if (b == 0xF0) return {4, 0x90, 0xBF};
  if (b == 0xF4) return {4, 0x80, 0x8F};
  if (b >= 0xF1 && b <= 0xF3) return {4, 0x80, 0xBF};
  return {0, 0, 0};
}

}  // namespace

std::string json_safe_text(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto b = static_cast<std::uint8_t>(bytes[i]);
    if (b < 0x80) {
      if (b == 0)
        out += kReplacement;
      else
        out += static_cast<char>(b);
      ++i;
      continue;
    }
    // Take the lead byte and as many following bytes as still fit the
    // sequence it starts; a sequence cut short is one U+FFFD, and the byte
    // that did not fit starts the next one.
    const Lead lead = classify(b);
    std::size_t end = i + 1;
    while (end < i + lead.length && end < bytes.size()) {
      const auto c = static_cast<std::uint8_t>(bytes[end]);
      const bool second = end == i + 1;
      if (c < (second ? lead.second_min : 0x80) || c > (second ? lead.second_max : 0xBF)) break;
      ++end;
    }
    if (lead.length != 0 && end == i + lead.length)
      out.append(bytes.substr(i, end - i));
    else
      out += kReplacement;
    i = end;
  }
  return out;
}

std::string quote_bytes(std::string_view bytes, std::size_t max_bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < bytes.size() && i < max_bytes; ++i) {
    const auto b = static_cast<std::uint8_t>(bytes[i]);
    if (b == '"' || b == '\\') {
      out += '\\';
      out += static_cast<char>(b);
    } else if (b >= 0x20 && b < 0x7F) {
      out += static_cast<char>(b);
    } else {
      out += "\\x";
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
    }
  }
  out += '"';
  if (bytes.size() > max_bytes) out += "...";
  return out;
}

void append_utf8(std::uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace fumidai::scanner
