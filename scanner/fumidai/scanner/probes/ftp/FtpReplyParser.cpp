#include "fumidai/scanner/probes/ftp/FtpReplyParser.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "fumidai/core/AsciiCase.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {

namespace {

// Where the first byte is that `line` cannot begin a reply with (npos: none
// so far), judged on the bytes there are so far, so that a peer speaking
// another protocol ("SSH-2.0-...", "HTTP/1.1 ...") fails on its first bytes
// instead of after a whole line. A CR may follow the code only when the line
// is "220\r\n": take_line() checks the whole line.
std::size_t first_bad_byte(std::string_view line) {
  if (!line.empty() && (line[0] < '1' || line[0] > '5')) return 0;
  if (line.size() > 1 && !is_ascii_digit(line[1])) return 1;
  if (line.size() > 2 && !is_ascii_digit(line[2])) return 2;
  if (line.size() > 3 && line[3] != ' ' && line[3] != '-' && line[3] != '\r') return 3;
  return std::string_view::npos;
}

// Quotes the line up to the byte that gave it away, so that the message is
// the same however the bytes were split into reads.
Error not_a_reply(std::string_view line, std::size_t bad_byte) {
  return make_error("ftp: not an FTP reply (no code 100-599 at the start): " +
                    quote_bytes(line.substr(0, bad_byte == std::string_view::npos ? line.size() : bad_byte + 1)));
}

}  // namespace

Result<std::size_t> FtpReplyParser::feed(std::span<const std::uint8_t> bytes) {
  if (failed_) return error_;
  if (complete_) return 0;
  std::size_t i = 0;
  while (i < bytes.size()) {
    const std::uint8_t* begin = bytes.data() + i;
    const auto* lf = static_cast<const std::uint8_t*>(std::memchr(begin, '\n', bytes.size() - i));
    const std::size_t take = lf ? static_cast<std::size_t>(lf - begin) : bytes.size() - i;
    if (reply_.lines.empty() && line_.size() < 4) {
      // Judge the first bytes before the length, so that the error is the
      // same however the bytes were split into reads.
      const std::string start =
          line_ + std::string(reinterpret_cast<const char*>(begin), std::min<std::size_t>(take, 4));
      if (const std::size_t bad = first_bad_byte(start); bad != std::string_view::npos)
        return fail(not_a_reply(start, bad));
    }
    // + 1: the CR of a CR LF, removed when the LF arrives.
    if (line_.size() + take > kMaxLineBytes + 1)
      return fail(make_error("ftp: reply line longer than " + std::to_string(kMaxLineBytes) + " bytes"));
    line_.append(reinterpret_cast<const char*>(begin), take);
    i += take;
    if (!lf) break;
    ++i;  // the LF
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    if (line_.size() > kMaxLineBytes)
      return fail(make_error("ftp: reply line longer than " + std::to_string(kMaxLineBytes) + " bytes"));
    if (auto taken = take_line(); !taken) return fail(taken.error());
    line_.clear();
    if (complete_) break;
  }
  return i;
}

Result<void> FtpReplyParser::take_line() {
  const std::string_view line = line_;
  if (reply_.lines.empty()) {
    // Complete now: a code of three digits, then nothing or a space or '-'.
    if (line.size() < 3 || (line.size() > 3 && line[3] == '\r')) return not_a_reply(line, std::string_view::npos);
    reply_.code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    complete_ = line.size() == 3 || line[3] == ' ';
    reply_.lines.emplace_back(line.size() > 3 ? line.substr(4) : std::string_view{});
    return {};
  }
  if (reply_.lines.size() == kMaxLines)
    return make_error("ftp: multi-line reply longer than " + std::to_string(kMaxLines) + " lines");
  // RFC 959: the reply ends at the first line that starts with the same code
  // followed by a space. Lines in between may start with anything.
  const std::string code = std::to_string(reply_.code);
  if (line.starts_with(code) && (line.size() == 3 || line[3] == ' ')) {
    complete_ = true;
    reply_.lines.emplace_back(line.size() > 3 ? line.substr(4) : std::string_view{});
  } else if (line.starts_with(code) && line.size() > 3 && line[3] == '-') {
    reply_.lines.emplace_back(line.substr(4));
  } else {
    reply_.lines.emplace_back(line);
  }
  return {};
}

void FtpReplyParser::reset() {
  line_.clear();
  reply_.code = 0;
  reply_.lines.clear();
  complete_ = failed_ = false;
  error_ = Error();
}

Result<std::size_t> FtpReplyParser::fail(Error error) {
  failed_ = true;
  error_ = std::move(error);
  return error_;
}

}  // namespace fumidai::scanner
