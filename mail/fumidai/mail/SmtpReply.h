#pragma once
// SMTP replies (RFC 5321 4.2): "250-first" continuation lines, then
// "250 last" (or "250" alone). SmtpReplyParser reads one reply from what the
// relay sends, in whatever pieces it arrives.
//
// Everything fed in is untrusted: memory is bounded (kMaxLineBytes per line
// with its CRLF, kMaxLines per reply), nothing throws, and anything that is
// not a reply (a bad code, a continuation with another code, an overlong
// line) is an Error, after which every feed() returns that same error.
// Contract: one parser per connection, one thread at a time; reset() reads
// the next reply.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "fumidai/core/Error.h"

namespace fumidai::mail {

struct SmtpReply {
  int code = 0;                    // 200..599 once complete
  std::vector<std::string> lines;  // each line's text after "250-" / "250 ", raw bytes
  // "550 5.1.1 <x>: no such user": the code and the lines joined by spaces,
  // bytes outside printable ASCII as '?', so it can be stored and shown.
  std::string text() const;
  bool operator==(const SmtpReply&) const = default;
};

class SmtpReplyParser {
 public:
  static constexpr std::size_t kMaxLineBytes = 1000;  // with the CRLF
  static constexpr std::size_t kMaxLines = 100;

  // Consumes bytes until the reply is complete and returns how many: all of
  // them while incomplete, else those up to and including the last line's
  // LF (the rest belongs to the next reply). 0 once complete.
  Result<std::size_t> feed(std::span<const std::uint8_t> bytes);

  bool complete() const { return complete_; }
  const SmtpReply& reply() const { return reply_; }  // partial until complete()
  void reset();

 private:
  Result<void> take_line();
  Result<std::size_t> fail(Error error);

  std::string line_;  // the line being received, up to its LF
  SmtpReply reply_;
  bool complete_ = false;
  bool failed_ = false;
  Error error_;
};

}  // namespace fumidai::mail
