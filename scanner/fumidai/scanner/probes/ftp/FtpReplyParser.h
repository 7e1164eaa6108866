#pragma once
// FtpReplyParser: reads one FTP reply (RFC 959, 4.2) from the bytes a server
// sends, in whatever pieces they arrive: "220 text" on one line, or
// "220-first" ... "220 last" over several. Lines end in CRLF or a bare LF.
//
// Everything fed in is untrusted. Memory is bounded (kMaxLineBytes per line,
// kMaxLines per reply, and nothing kept beyond the reply), nothing throws on
// input, and anything that cannot be a reply is an Error, after which every
// feed() returns that same error. The reply's text is the server's raw bytes;
// pass it through json_safe_text() before output.
//
// One parser per connection, used from one thread at a time. reset() reads
// the next reply and keeps the buffers' capacity.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "fumidai/core/Error.h"

namespace fumidai::scanner {

struct FtpReply {
  int code = 0;  // 100..599 once complete
  // One entry per line, without the line end. The first and last lines lose
  // their "220-" / "220 " prefix; so do lines in between that repeat it
  // ("220-..."), as vsftpd and ProFTPD send them. Other lines are as sent.
  std::vector<std::string> lines;
  bool operator==(const FtpReply&) const = default;
};

class FtpReplyParser {
 public:
  static constexpr std::size_t kMaxLineBytes = 2048;  // a line without its CR LF
  static constexpr std::size_t kMaxLines = 128;

  // Consumes bytes until the reply is complete and returns how many it
  // consumed: all of them while the reply is still incomplete, otherwise
  // those up to and including the reply's last line (the rest, if any,
  // belongs to the next reply: reset() and feed it again). Returns 0 when
  // the reply was already complete.
  Result<std::size_t> feed(std::span<const std::uint8_t> bytes);

  bool complete() const { return complete_; }
  const FtpReply& reply() const { return reply_; }  // partial until complete()

  void reset();

 private:
  Result<void> take_line();
  Result<std::size_t> fail(Error error);

  std::string line_;  // the line being received, without its LF
  FtpReply reply_;
  bool complete_ = false;
  bool failed_ = false;
  Error error_;
};

}  // namespace fumidai::scanner
