#include "fumidai/mail/MailAddress.h"

#include <cstdio>

namespace fumidai::mail {

namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The address as it may appear in a message: printable ASCII kept, any other
// byte as \xNN, so a hostile value cannot break the line it is reported on.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text.substr(0, 300)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && c != '"' && c != '\\') {
      out += c;
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", byte);
      out += hex;
    }
  }
  if (text.size() > 300) out += "...";
  return out + "\"";
}

Error bad(std::string_view text, std::string_view why) {
  return make_input_error("mail address " + quoted(text) + ": " + std::string(why));
}

}  // namespace

bool is_atext(char c) {
  return is_alpha(c) || is_digit(c) || std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

Result<MailAddress> MailAddress::parse(std::string_view text) {
  if (text.empty()) return bad(text, "empty");
  if (text.size() > kMaxLength) return bad(text, "longer than " + std::to_string(kMaxLength) + " characters");
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return bad(text, "contains a control character");
    if (c == ' ') return bad(text, "contains a space");
    if (byte >= 0x80) return bad(text, "contains a non-ASCII character");
  }
  const std::size_t at = text.rfind('@');
  if (at == std::string_view::npos) return bad(text, "no @");
  const std::string_view local = text.substr(0, at);
  const std::string_view domain = text.substr(at + 1);
  if (local.empty()) return bad(text, "empty local part");
  if (local.size() > kMaxLocalPart)
    return bad(text, "local part longer than " + std::to_string(kMaxLocalPart) + " characters");
  for (std::size_t i = 0; i < local.size(); ++i) {
    const char c = local[i];
    if (c == '.') {
      if (i == 0 || i + 1 == local.size() || local[i + 1] == '.')
        return bad(text, "local part has a leading, trailing or double dot");
    } else if (!is_atext(c)) {
      return bad(text, std::string("local part has the character '") + c + "' (quoted local parts are not accepted)");
    }
  }
  if (domain.empty()) return bad(text, "empty domain");
  if (domain.front() == '[') return bad(text, "address literals are not accepted");
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = domain.find('.', start);
    const std::string_view label = domain.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (label.empty()) return bad(text, "domain has an empty label");
    if (label.size() > kMaxLabel)
      return bad(text, "domain label longer than " + std::to_string(kMaxLabel) + " characters");
    if (label.front() == '-' || label.back() == '-') return bad(text, "domain label starts or ends with '-'");
    for (const char c : label)
      if (!is_alpha(c) && !is_digit(c) && c != '-')
        return bad(text, std::string("domain has the character '") + c + "'");
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return MailAddress{std::string(text)};
}

}  // namespace fumidai::mail
