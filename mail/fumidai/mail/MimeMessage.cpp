#include "fumidai/mail/MimeMessage.h"

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <string_view>

#include "fumidai/core/AsciiCase.h"
#include "fumidai/core/Trim.h"
#include "fumidai/core/Utf8.h"
#include "fumidai/mail/Base64.h"
#include "fumidai/mail/MailAddress.h"

namespace fumidai::mail {

namespace {

constexpr std::size_t kLineLimit = 78;       // RFC 5322 2.1.1's SHOULD
constexpr std::size_t kEncodedWordMax = 75;  // RFC 2047 2
constexpr std::string_view kWordOpen = "=?UTF-8?B?";
constexpr std::string_view kWordClose = "?=";

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Controls (CR and LF included) become spaces, so no value can end a header
// line or start another; then the ends are trimmed. Fails on invalid UTF-8
// and on values over the limit.
Result<std::string> header_text(std::string_view value, std::string_view field) {
  std::string out(value);
  for (char& c : out) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) c = ' ';
  }
  const std::size_t first = out.find_first_not_of(' ');
  if (first == std::string::npos) return std::string();
  out = out.substr(first, out.find_last_not_of(' ') - first + 1);
  if (!is_valid_utf8(out)) return make_input_error(std::string(field) + ": invalid UTF-8");
  if (out.size() > MimeMessage::kMaxHeaderText)
    return make_input_error(std::string(field) + ": longer than " + std::to_string(MimeMessage::kMaxHeaderText) +
                            " bytes");
  return out;
}

// One header field being written: tracks the current line's length so that
// pieces fold onto continuation lines (CRLF SP) before 78 characters.
class FoldedHeader {
 public:
  explicit FoldedHeader(std::string_view name) : text_(std::string(name) + ":"), line_(text_.size()) {}
  std::size_t room() const { return line_ >= kLineLimit ? 0 : kLineLimit - line_; }
  // `piece` after a space on this line if it fits, else on a new line.
  void add(std::string_view piece) {
    if (piece.size() + 1 > room() && line_ > 0) fold();
    text_ += ' ';
    text_ += piece;
    line_ += piece.size() + 1;
  }
  // `piece` (starting with its own spaces) glued to the line, folding before it if needed.
  void add_raw(std::string_view piece) {
    if (piece.size() > room() && piece.front() == ' ') {
      text_ += "\r\n";
      line_ = 0;
    }
    text_ += piece;
    line_ += piece.size();
  }
  void fold() {
    text_ += "\r\n";
    line_ = 0;
  }
  std::string finish() && { return std::move(text_) + "\r\n"; }

 private:
  std::string text_;
  std::size_t line_;
};

// The longest prefix of `text` (whole UTF-8 characters) of at most `max_bytes`.
std::size_t utf8_prefix(std::string_view text, std::size_t max_bytes) {
  std::size_t end = 0;
  while (end < text.size()) {
    const std::size_t length = std::max<std::size_t>(1, utf8_sequence_length(text.substr(end)));
    if (end + length > max_bytes) break;
    end += length;
  }
  return end;
}

// RFC 2047 B encoded-words, each of whole characters and short enough for the
// line it lands on; whitespace between adjacent encoded-words is dropped by
// decoders, so the folds add nothing to the decoded text.
void add_encoded_words(FoldedHeader& header, std::string_view text) {
  const std::size_t overhead = kWordOpen.size() + kWordClose.size();
  while (!text.empty()) {
    std::size_t room = header.room();
    if (room < overhead + 1 + 8) {
      header.fold();
      room = kLineLimit;
    }
    const std::size_t chars = std::min(room - 1, kEncodedWordMax) - overhead;
    const std::size_t bytes = utf8_prefix(text, chars / 4 * 3);
    header.add(std::string(kWordOpen) + base64_encode(text.substr(0, bytes)) + std::string(kWordClose));
    text.remove_prefix(bytes);
  }
}

// Unstructured text (Subject, extra headers): as is, folded at its spaces,
// when it is ASCII, cannot be mistaken for an encoded-word and has no word
// too long for a line; encoded-words otherwise.
std::string unstructured(std::string_view name, std::string_view value) {
  FoldedHeader header(name);
  bool plain = is_ascii(value) && value.find("=?") == std::string_view::npos;
  for (std::size_t start = 0; plain && start < value.size();) {
    const std::size_t space = value.find(' ', start);
    const std::size_t end = space == std::string_view::npos ? value.size() : space;
    if (end - start + 1 > kLineLimit - 1) plain = false;
    start = end + 1;
  }
  if (plain) {
    // Segments are a word with the spaces before it; a fold goes before the spaces.
    std::size_t start = 0;
    bool first = true;
    while (start < value.size()) {
      std::size_t word = value.find_first_not_of(' ', start);
      const std::size_t end = std::min(value.find(' ', word), value.size());
      std::string piece(value.substr(start, end - start));
      if (first) piece = " " + piece;
      header.add_raw(piece);
      first = false;
      start = end;
    }
  } else {
    add_encoded_words(header, value);
  }
  return std::move(header).finish();
}

// A display name and address: the name as atoms when it is only atext and
// single spaces, else as encoded-words (RFC 2047 5(3)).
std::string mailbox_header(std::string_view name, std::string_view display, const MailAddress& address) {
  FoldedHeader header(name);
  if (display.empty()) {
    header.add(address.addr_spec);
    return std::move(header).finish();
  }
  const bool atoms = std::all_of(display.begin(), display.end(), [](char c) { return is_atext(c) || c == ' '; }) &&
                     display.find("  ") == std::string_view::npos && display.find("=?") == std::string_view::npos;
  if (atoms) {
    std::size_t start = 0;
    while (start < display.size()) {
      const std::size_t end = std::min(display.find(' ', start), display.size());
      header.add(display.substr(start, end - start));
      start = end + 1;
    }
  } else {
    add_encoded_words(header, display);
  }
  header.add("<" + address.addr_spec + ">");
  return std::move(header).finish();
}

std::string rfc5322_date(std::chrono::system_clock::time_point when) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char out[64];
  std::snprintf(out, sizeof out, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[utc.tm_wday], utc.tm_mday,
                kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
  return out;
}

Result<void> check_message_id(std::string_view id) {
  const std::size_t at = id.find('@');
  const bool ok = !id.empty() && id.size() <= 250 && at != std::string_view::npos && at != 0 && at + 1 != id.size() &&
                  id.find('@', at + 1) == std::string_view::npos &&
                  std::all_of(id.begin(), id.end(), [](char c) { return is_atext(c) || c == '.' || c == '@'; });
  if (!ok) return make_input_error("message_id: not of the form id-left@id-right with dot-atom characters");
  return {};
}

// "type/subtype" or "type/subtype; name=value; ..." with RFC 2045 tokens.
bool is_token(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$&^_.+-~'*`|").find(c) != std::string_view::npos;
  });
}

Result<std::vector<std::string>> content_type_parts(std::string_view value) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= value.size()) {
    const std::size_t semi = std::min(value.find(';', start), value.size());
    const std::string_view part = trim_blanks(value.substr(start, semi - start));
    const std::size_t sep = part.find(parts.empty() ? '/' : '=');
    if (sep == std::string_view::npos || !is_token(part.substr(0, sep)) || !is_token(part.substr(sep + 1)))
      return make_input_error("attachment content_type: not type/subtype[; name=value]: \"" +
                              std::string(value.substr(0, 100)) + "\"");
    parts.emplace_back(part);
    start = semi + 1;
  }
  return parts;
}

// Content-Disposition's filename: quoted when plain printable ASCII, else
// RFC 2231 percent-encoded UTF-8, split into numbered segments that fit a line.
void add_filename(FoldedHeader& header, std::string_view filename) {
  const bool plain = std::all_of(filename.begin(), filename.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x20 && byte < 0x7f && c != '"' && c != '\\';
  });
  if (plain) {
    header.add("filename=\"" + std::string(filename) + "\"");
    return;
  }
  std::vector<std::string> segments(1);
  for (const char c : filename) {
    const bool attr_char = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                           std::string_view("!#$&+-.^_`|~").find(c) != std::string_view::npos;
    std::string piece(1, c);
    if (!attr_char) {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
      piece = hex;
    }
    if (segments.back().size() + piece.size() > 48) segments.emplace_back();
    segments.back() += piece;
  }
  if (segments.size() == 1) {
    header.add("filename*=UTF-8''" + segments[0]);
    return;
  }
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string value = i == 0 ? "UTF-8''" + segments[i] : segments[i];
    header.add("filename*" + std::to_string(i) + "*=" + value + (i + 1 < segments.size() ? ";" : ""));
  }
}

// Text line ends as CRLF, the canonical form base64 text must carry (RFC 2045 6.8).
std::string crlf_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  return out;
}

// FNV-1a: a stable hash of the message id for the boundary; "=_" can occur
// in neither base64 nor header text, so the boundary never collides with a part.
std::string boundary_for(std::string_view message_id) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const char c : message_id) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ull;
  }
  char out[40];
  std::snprintf(out, sizeof out, "=_fumidai_%016llx", static_cast<unsigned long long>(hash));
  return out;
}

bool reserved_header(std::string_view name) {
  static constexpr std::string_view kReserved[] = {"date",         "from",           "to",      "cc",
                                                   "bcc",          "subject",        "sender",  "message-id",
                                                   "mime-version", "auto-submitted", "received"};
  const std::string lower = ascii_lower(name);
  return lower.starts_with("content-") ||
         std::find(std::begin(kReserved), std::end(kReserved), lower) != std::end(kReserved);
}

}  // namespace

Result<std::string> render_message(const MimeMessage& message) {
  for (const auto& [field, address] : {std::pair{"from", &message.from}, std::pair{"to", &message.to}}) {
    if (auto parsed = MailAddress::parse(address->addr_spec); !parsed)
      return make_input_error(std::string(field) + ": " + parsed.error().message);
  }
  if (auto ok = check_message_id(message.message_id); !ok) return ok.error();
  auto from_name = header_text(message.from_name, "from_name");
  if (!from_name) return from_name.error();
  auto to_name = header_text(message.to_name, "to_name");
  if (!to_name) return to_name.error();
  auto subject = header_text(message.subject, "subject");
  if (!subject) return subject.error();
  if (message.extra_headers.size() > MimeMessage::kMaxExtraHeaders)
    return make_input_error("more than " + std::to_string(MimeMessage::kMaxExtraHeaders) + " extra headers");
  if (message.attachments.size() > MimeMessage::kMaxAttachments)
    return make_input_error("more than " + std::to_string(MimeMessage::kMaxAttachments) + " attachments");
  if (!is_valid_utf8(message.text)) return make_input_error("text: invalid UTF-8");

  std::string out;
  out += "Date: " + rfc5322_date(message.date) + "\r\n";
  out += mailbox_header("From", *from_name, message.from);
  out += mailbox_header("To", *to_name, message.to);
  out += unstructured("Subject", *subject);
  out += "Message-ID: <" + message.message_id + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Auto-Submitted: auto-generated\r\n";  // RFC 3834: no auto-replies to it
  for (const auto& [name, value] : message.extra_headers) {
    const bool name_ok = !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    });
    if (!name_ok) return make_input_error("extra header name: not [A-Za-z0-9-]{1,64}: \"" + name.substr(0, 80) + "\"");
    if (reserved_header(name)) return make_input_error("extra header " + name + ": set by the message writer");
    auto text = header_text(value, "header " + name);
    if (!text) return text.error();
    out += unstructured(name, *text);
  }
  const std::string boundary = boundary_for(message.message_id);
  out += "Content-Type: multipart/mixed;\r\n boundary=\"" + boundary + "\"\r\n\r\n";
  out += "This is a multi-part message in MIME format.\r\n";

  out += "\r\n--" + boundary + "\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  out += base64_encode(crlf_lines(message.text), 76);

  for (const Attachment& attachment : message.attachments) {
    auto type = content_type_parts(attachment.content_type);
    if (!type) return type.error();
    auto filename = header_text(attachment.filename, "attachment filename");
    if (!filename) return filename.error();
    if (filename->empty()) return make_input_error("attachment filename: empty");
    FoldedHeader content_type("Content-Type");
    for (std::size_t i = 0; i < type->size(); ++i) content_type.add((*type)[i] + (i + 1 < type->size() ? ";" : ""));
    FoldedHeader disposition("Content-Disposition");
    disposition.add("attachment;");
    add_filename(disposition, *filename);
    out += "\r\n--" + boundary + "\r\n";
    out += std::move(content_type).finish();
    out += "Content-Transfer-Encoding: base64\r\n";
    out += std::move(disposition).finish();
    out += "\r\n";
    out += base64_encode(attachment.data, 76);
    if (out.size() > MimeMessage::kMaxMessageBytes) break;
  }
  out += "\r\n--" + boundary + "--\r\n";
  if (out.size() > MimeMessage::kMaxMessageBytes)
    return make_input_error("message larger than " + std::to_string(MimeMessage::kMaxMessageBytes) + " bytes");
  return out;
}

}  // namespace fumidai::mail
