#include "fumidai/scanner/canary/CanaryRequestHead.h"

#include "fumidai/scanner/canary/CanaryToken.h"

namespace fumidai::scanner {
namespace {

CanaryRequest bad(std::string_view shown) {
  return CanaryRequest{false, std::string(shown.substr(0, CanaryRequest::kMaxLoggedBytes))};
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::size_t CanaryRequestHead::find_end(std::string_view bytes, std::size_t from) {
  for (std::size_t i = bytes.find('\n', from); i != std::string_view::npos; i = bytes.find('\n', i + 1)) {
    // The line that ends here is empty: "\n\n" or "\n\r\n".
    if (i >= 1 && bytes[i - 1] == '\n') return i + 1;
    if (i >= 2 && bytes[i - 1] == '\r' && bytes[i - 2] == '\n') return i + 1;
  }
  return 0;
}

CanaryRequest CanaryRequestHead::parse(std::string_view head) {
  std::string_view line = head.substr(0, head.find('\n'));
  if (line.ends_with('\r')) line.remove_suffix(1);
  // request-line = method SP request-target SP HTTP-version (RFC 9112, 3).
  const std::size_t first = line.find(' ');
  const std::size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
  if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos) return bad(line);
  const std::string_view method = line.substr(0, first);
  std::string_view target = line.substr(first + 1, second - first - 1);
  const std::string_view version = line.substr(second + 1);
  if (method != "GET" || (version != "HTTP/1.1" && version != "HTTP/1.0")) return bad(line);
  std::string_view path = target;
  if (constexpr std::string_view scheme = "http://";
      path.size() > scheme.size() && iequals_ascii(path.substr(0, scheme.size()), scheme)) {
    path.remove_prefix(scheme.size());
    const std::size_t slash = path.find('/');
    if (slash == 0 || slash == std::string_view::npos) return bad(target);  // no authority, or no path
    path.remove_prefix(slash);
  }
  if (!path.starts_with(kCanaryPathPrefix)) return bad(target);
  const std::string_view token = path.substr(kCanaryPathPrefix.size());
  if (!is_canary_token(token)) return bad(token);
  return CanaryRequest{true, std::string(token)};
}

}  // namespace fumidai::scanner
