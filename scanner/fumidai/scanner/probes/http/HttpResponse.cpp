#include "fumidai/scanner/probes/http/HttpResponse.h"

#include "fumidai/scanner/probes/http/AsciiText.h"

namespace fumidai::scanner {

namespace {

using http_text::iequals;
using http_text::is_ows;

bool is_token_char(char c) {
  // RFC 9110, 5.6.2: tchar.
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Reads auth-params out of a WWW-Authenticate value (RFC 9110, 11.6.1):
// challenges separated by commas, each a scheme optionally followed by
// name=value pairs, where a value is a token or a quoted-string (which may
// hold commas and '='). One pass; every step advances.
class ChallengeReader {
 public:
  explicit ChallengeReader(std::string_view s) : s_(s) {}

  std::optional<std::string> find_param(std::string_view wanted) {
    while (i_ < s_.size()) {
      if (is_ows(s_[i_]) || s_[i_] == ',') {
        ++i_;
        continue;
      }
      const std::size_t start = i_;
      while (i_ < s_.size() && is_token_char(s_[i_])) ++i_;
      const std::string_view token = s_.substr(start, i_ - start);
      if (token.empty()) {
        ++i_;  // a stray byte
        continue;
      }
      std::size_t j = i_;
      while (j < s_.size() && is_ows(s_[j])) ++j;
      if (j >= s_.size() || s_[j] != '=') continue;  // a scheme name (or a token68)
      i_ = j + 1;
      while (i_ < s_.size() && is_ows(s_[i_])) ++i_;
      std::string value = read_value();
      if (iequals(token, wanted)) return value;
    }
    return std::nullopt;
  }

 private:
  std::string read_value() {
    std::string value;
    if (i_ < s_.size() && s_[i_] == '"') {
      for (++i_; i_ < s_.size(); ++i_) {
        if (s_[i_] == '"' && closes_value(i_ + 1)) break;
        if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
        value += s_[i_];
      }
      if (i_ < s_.size()) ++i_;  // the closing quote
    } else {
      while (i_ < s_.size() && s_[i_] != ',' && !is_ows(s_[i_])) value += s_[i_++];
    }
    return value;
  }

  // nginx puts auth_basic's text between quotes without escaping any quote
  // in it (realm="a "b" c"), so a quote ends the value only where a value can
  // end: before a comma or the end of the field.
  bool closes_value(std::size_t after) const {
    while (after < s_.size() && is_ows(s_[after])) ++after;
    return after == s_.size() || s_[after] == ',';
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace

std::optional<std::string_view> HttpResponse::header(std::string_view name) const {
  for (const auto& h : headers)
    if (iequals(h.name, name)) return std::string_view(h.value);
  return std::nullopt;
}

std::vector<std::string_view> HttpResponse::header_values(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const auto& h : headers)
    if (iequals(h.name, name)) values.emplace_back(h.value);
  return values;
}

std::optional<std::string> HttpResponse::www_authenticate_realm() const {
  for (const auto value : header_values("WWW-Authenticate"))
    if (auto realm = ChallengeReader(value).find_param("realm")) return realm;
  return std::nullopt;
}

std::optional<std::string> HttpResponse::proxy_authenticate_realm() const {
  for (const auto value : header_values("Proxy-Authenticate"))
    if (auto realm = ChallengeReader(value).find_param("realm")) return realm;
  return std::nullopt;
}

std::vector<std::string> HttpResponse::set_cookie_names() const {
  std::vector<std::string> names;
  for (const auto value : header_values("Set-Cookie")) {
    // RFC 6265, 5.2: the name-value pair ends at the first ';'.
    const std::string_view pair = value.substr(0, value.find(';'));
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    names.emplace_back(http_text::trim_ows(pair.substr(0, eq)));
  }
  return names;
}

}  // namespace fumidai::scanner
