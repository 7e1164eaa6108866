#include "fumidai/mail/SmtpReply.h"

#include <cstring>
#include <string_view>

namespace fumidai::mail {

std::string SmtpReply::text() const {
  std::string out = std::to_string(code);
  for (const std::string& line : lines) {
    out += ' ';
    for (const char c : line) {
      const auto byte = static_cast<unsigned char>(c);
      out += byte >= 0x20 && byte < 0x7f ? c : '?';
    }
  }
  return out;
}

Result<std::size_t> SmtpReplyParser::feed(std::span<const std::uint8_t> bytes) {
  if (failed_) return error_;
  if (complete_) return 0;
  std::size_t i = 0;
  while (i < bytes.size()) {
    const std::uint8_t* begin = bytes.data() + i;
    const auto* lf = static_cast<const std::uint8_t*>(std::memchr(begin, '\n', bytes.size() - i));
    const std::size_t take = lf ? static_cast<std::size_t>(lf - begin) + 1 : bytes.size() - i;
    if (line_.size() + take > kMaxLineBytes)
      return fail(make_error("smtp: reply line longer than " + std::to_string(kMaxLineBytes) + " bytes"));
    line_.append(reinterpret_cast<const char*>(begin), take);
    i += take;
    if (!lf) break;
    if (auto taken = take_line(); !taken) return fail(taken.error());
    line_.clear();
    if (complete_) break;
  }
  return i;
}

Result<void> SmtpReplyParser::take_line() {
  std::string_view line = line_;
  line.remove_suffix(1);  // LF
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // RFC 5321 4.2: the first digit 2-5, the second 0-5, the third 0-9; then
  // "-" (more lines follow), " " or nothing (the last line).
  const bool code_ok = line.size() >= 3 && line[0] >= '2' && line[0] <= '5' && line[1] >= '0' && line[1] <= '5' &&
                       line[2] >= '0' && line[2] <= '9' && (line.size() == 3 || line[3] == ' ' || line[3] == '-');
  if (!code_ok) {
    std::string start;
    for (const char c : line.substr(0, 16)) start += c >= 0x20 && c < 0x7f ? c : '?';
    return make_error("smtp: not an SMTP reply line: \"" + start + "\"");
  }
  const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (reply_.lines.empty()) {
    reply_.code = code;
  } else if (code != reply_.code) {
    return make_error("smtp: reply line with code " + std::to_string(code) + " continues a " +
                      std::to_string(reply_.code) + " reply");
  }
  if (reply_.lines.size() == kMaxLines)
    return make_error("smtp: reply longer than " + std::to_string(kMaxLines) + " lines");
  reply_.lines.emplace_back(line.size() > 3 ? line.substr(4) : std::string_view{});
  complete_ = line.size() == 3 || line[3] == ' ';
  return {};
}

void SmtpReplyParser::reset() {
  line_.clear();
  reply_ = SmtpReply{};
  complete_ = failed_ = false;
  error_ = Error();
}

Result<std::size_t> SmtpReplyParser::fail(Error error) {
  failed_ = true;
  error_ = std::move(error);
  return error_;
}

}  // namespace fumidai::mail
