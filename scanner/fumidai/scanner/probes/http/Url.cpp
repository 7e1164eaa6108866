#include "fumidai/scanner/probes/http/Url.h"

#include <vector>

#include "fumidai/scanner/probes/http/AsciiText.h"

namespace fumidai::scanner {

namespace {

using http_text::iequals;

struct UrlParts {
  std::string scheme;  // lower case
  std::string_view authority;
  std::string_view path;
  std::string_view query;  // with its '?', or empty
};

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// The scheme of `s` ("http" in "http://..."), or empty when `s` has none.
std::string_view scheme_of(std::string_view s) {
  if (s.empty() || !is_alpha(s[0])) return {};
  for (std::size_t i = 1; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ':') return s.substr(0, i);
    if (!is_alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') return {};
  }
  return {};
}

// `rest` is what follows "scheme:"; it must start with "//" and name a host.
std::optional<UrlParts> split_hierarchical(std::string_view scheme, std::string_view rest) {
  if (!rest.starts_with("//")) return std::nullopt;
  rest.remove_prefix(2);
  rest = rest.substr(0, rest.find('#'));
  UrlParts parts;
  parts.scheme = iequals(scheme, "https") ? "https" : "http";
  const std::size_t authority_end = rest.find_first_of("/?");
  parts.authority = rest.substr(0, authority_end);
  if (parts.authority.empty()) return std::nullopt;
  rest.remove_prefix(parts.authority.size());
  const std::size_t query = rest.find('?');
  parts.path = rest.substr(0, query);
  if (query != std::string_view::npos) parts.query = rest.substr(query);
  return parts;
}

bool is_http_scheme(std::string_view scheme) { return iequals(scheme, "http") || iequals(scheme, "https"); }

// RFC 3986, 5.2.4, on a path that starts with '/'.
std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> segments;
  bool trailing_slash = false;
  std::size_t start = 1;  // after the leading '/'
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    const std::string_view segment = path.substr(start, end - start);
    const bool last = slash == std::string_view::npos;
    if (segment == ".") {
      trailing_slash = last;
    } else if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
      trailing_slash = last;
    } else {
      segments.push_back(segment);
      trailing_slash = false;
    }
    start = end + 1;
  }
  std::string out;
  for (const auto segment : segments) {
    out += '/';
    out.append(segment);
  }
  if (trailing_slash || out.empty()) out += '/';
  return out;
}

std::string compose(const UrlParts& parts, std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string raw = parts.scheme + "://";
  raw.append(parts.authority);
  raw += remove_dot_segments(path.empty() ? std::string_view("/") : path);
  raw.append(parts.query);
  std::string out;
  out.reserve(raw.size());
  for (const char c : raw) {
    const auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b >= 0x7F) {
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
    } else {
      out += c;
    }
  }
  return out;
}

// The WHATWG URL parser's clean-up before parsing: leading and trailing C0
// controls and spaces go, and so do tabs and newlines anywhere.
std::string clean_reference(std::string_view reference) {
  while (!reference.empty() && static_cast<unsigned char>(reference.front()) <= 0x20) reference.remove_prefix(1);
  while (!reference.empty() && static_cast<unsigned char>(reference.back()) <= 0x20) reference.remove_suffix(1);
  std::string out;
  out.reserve(reference.size());
  for (const char c : reference)
    if (c != '\t' && c != '\n' && c != '\r') out += c;
  return out;
}

}  // namespace

std::optional<std::string> resolve_http_url(std::string_view base_url, std::string_view reference) {
  if (base_url.size() > kMaxUrlBytes || reference.size() > kMaxUrlBytes) return std::nullopt;
  const std::string_view base_scheme = scheme_of(base_url);
  if (!is_http_scheme(base_scheme)) return std::nullopt;
  const auto base = split_hierarchical(base_scheme, base_url.substr(base_scheme.size() + 1));
  if (!base) return std::nullopt;

  const std::string cleaned = clean_reference(reference);
  std::string_view ref = cleaned;
  std::optional<std::string> out;
  if (const std::string_view scheme = scheme_of(ref); !scheme.empty()) {
    if (!is_http_scheme(scheme)) return std::nullopt;
    const auto parts = split_hierarchical(scheme, ref.substr(scheme.size() + 1));
    if (parts) out = compose(*parts, parts->path);
  } else if (ref.starts_with("//")) {
    const auto parts = split_hierarchical(base->scheme, ref);
    if (parts) out = compose(*parts, parts->path);
  } else {
    ref = ref.substr(0, ref.find('#'));
    const std::size_t query = ref.find('?');
    const std::string_view path = ref.substr(0, query);
    UrlParts parts = *base;
    if (query != std::string_view::npos)
      parts.query = ref.substr(query);
    else if (!path.empty())
      parts.query = {};
    if (path.empty()) {
      out = compose(parts, base->path);
    } else if (path.starts_with('/')) {
      out = compose(parts, path);
    } else {
      // Merge (RFC 3986, 5.2.3): the base path up to its last '/', then the reference.
      const std::string_view base_path = base->path.empty() ? std::string_view("/") : base->path;
      std::string merged(base_path.substr(0, base_path.rfind('/') + 1));
      merged.append(path);
      out = compose(parts, merged);
    }
  }
  if (out && out->size() > kMaxUrlBytes) return std::nullopt;
  return out;
}

}  // namespace fumidai::scanner
