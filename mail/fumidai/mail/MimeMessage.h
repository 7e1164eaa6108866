#pragma once
// A letter as an RFC 5322 + MIME message: text/plain (UTF-8) first, then
// attachments, in multipart/mixed. render_message() writes the bytes that go
// into SMTP DATA and into .eml downloads.
//
// Header injection is impossible by construction: CR, LF and every other
// control character in any header value (names, subject, extra headers,
// filenames) becomes a space before encoding; display names and the subject
// become RFC 2047 encoded-words whenever they hold non-ASCII or specials;
// extra header names must be [A-Za-z0-9-]+ and may not replace a header the
// writer sets. Invalid UTF-8 anywhere is an error, never passed through.
//
// Output is deterministic: the same message renders to the same bytes (the
// multipart boundary derives from the message id), so a re-rendered letter
// equals what was sent.
// Contract: values; render_message() is pure and never throws.
#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/mail/MailAddress.h"

namespace fumidai::mail {

struct Attachment {
  std::string filename;      // UTF-8; RFC 2231 encoded when not plain ASCII
  std::string content_type;  // "type/subtype" with optional "; name=value" parameters
  std::string data;          // raw bytes, sent base64
};

struct MimeMessage {
  // Limits, checked by render_message().
  static constexpr std::size_t kMaxHeaderText = 998;  // a name, subject, header value, filename (bytes)
  static constexpr std::size_t kMaxExtraHeaders = 32;
  static constexpr std::size_t kMaxAttachments = 32;
  static constexpr std::size_t kMaxMessageBytes = 20u << 20;  // what relays commonly accept

  std::string from_name;
  MailAddress from;
  std::string to_name;
  MailAddress to;
  std::string subject;
  std::chrono::system_clock::time_point date;
  std::string message_id;                                          // "id-left@id-right", without <>
  std::vector<std::pair<std::string, std::string>> extra_headers;  // e.g. X-Fumidai-Campaign
  std::string text;                                                // UTF-8; any line ends, sent as CRLF
  std::vector<Attachment> attachments;
};

// RFC 5322 + MIME with CRLF line ends and header lines folded to <= 78
// characters (a single address or RFC 2231 segment excepted, still < 998).
// An error (input error) names the field at fault.
Result<std::string> render_message(const MimeMessage& message);

}  // namespace fumidai::mail
