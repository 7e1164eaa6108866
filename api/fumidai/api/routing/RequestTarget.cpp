#include "fumidai/api/routing/RequestTarget.h"

#include <fmt/format.h>

#include "fumidai/core/Utf8.h"

namespace fumidai::api {
namespace {

// A piece of the target quoted back in a message, cut short and escaped so an
// error message stays one printable line.
std::string quoted(std::string_view text) {
  constexpr std::size_t max_quoted = 64;
  std::string out;
  for (unsigned char c : text.substr(0, max_quoted)) {
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return fmt::format("\"{}{}\"", out, text.size() > max_quoted ? "..." : "");
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

// Percent-decodes `text` (a path segment, or a query name or value); `what`
// names it in errors.
Result<std::string> decode(std::string_view text, bool plus_is_space, std::string_view what) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      const int high = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (high < 0 || low < 0) {
        return make_input_error(fmt::format("{} {} has a bad percent escape", what, quoted(text)));
      }
      const auto byte = static_cast<unsigned char>(high << 4 | low);
      if (is_control(byte)) {
        return make_input_error(fmt::format("{} {} encodes a control character (%{:02X})", what, quoted(text), byte));
      }
      out += static_cast<char>(byte);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  if (!is_valid_utf8(out)) return make_input_error(fmt::format("{} {} is not valid UTF-8", what, quoted(text)));
  return out;
}

}  // namespace

Result<RequestTarget> RequestTarget::parse(std::string_view target, std::size_t max_bytes, std::size_t max_parameters) {
  if (target.size() > max_bytes) return make_input_error(fmt::format("request target longer than {} bytes", max_bytes));
  if (target.empty() || target.front() != '/') {
    return make_input_error(fmt::format("request target {} is not a path starting with '/'", quoted(target)));
  }
  for (unsigned char c : target) {
    // Raw spaces, controls and '#' never belong in a target (RFC 9112 3.2).
    if (c <= 0x20 || c == 0x7f || c == '#') {
      return make_input_error(fmt::format("request target {} holds a character that must be escaped", quoted(target)));
    }
  }
  RequestTarget out;
  const std::size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);

  if (path != "/") {
    std::size_t start = 1;
    while (start <= path.size()) {
      const std::size_t slash = std::min(path.find('/', start), path.size());
      const std::string_view raw = path.substr(start, slash - start);
      if (raw.empty()) return make_input_error(fmt::format("path {} has an empty segment", quoted(path)));
      auto segment = decode(raw, false, "path segment");
      if (!segment) return segment.error();
      if (*segment == "." || *segment == "..") {
        return make_input_error(fmt::format("path {} has a {} segment", quoted(path), quoted(*segment)));
      }
      if (segment->find('/') != std::string::npos) {
        return make_input_error(fmt::format("path segment {} encodes a '/'", quoted(raw)));
      }
      out.path += '/';
      out.path += *segment;
      out.segments.push_back(std::move(*segment));
      start = slash + 1;
    }
  } else {
    out.path = "/";
  }

  std::size_t start = 0;
  while (start < query.size()) {
    const std::size_t amp = std::min(query.find('&', start), query.size());
    const std::string_view pair = query.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;  // "a=1&&b=2": harmless, as browsers send it
    if (out.query.size() == max_parameters) {
      return make_input_error(fmt::format("more than {} query parameters", max_parameters));
    }
    const std::size_t equals = pair.find('=');
    auto name = decode(pair.substr(0, equals), true, "query parameter name");
    if (!name) return name.error();
    if (name->empty()) return make_input_error(fmt::format("query parameter {} has no name", quoted(pair)));
    auto value = equals == std::string_view::npos ? Result<std::string>(std::string())
                                                  : decode(pair.substr(equals + 1), true, "query parameter value");
    if (!value) return value.error();
    out.query.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

}  // namespace fumidai::api
