#include "fumidai/mail/BounceReport.h"

#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "fumidai/core/AsciiCase.h"
#include "fumidai/core/Trim.h"
#include "fumidai/mail/Base64.h"

namespace fumidai::mail {

namespace {

constexpr std::size_t kMaxFields = 1000;  // header fields per block
constexpr std::size_t kMaxParts = 100;    // parts per multipart

// Header fields: lower-case names, unfolded values; stops at the first empty line.
struct Block {
  std::vector<std::pair<std::string, std::string>> fields;
  std::string_view rest;  // after the empty line
  std::optional<std::string> get(std::string_view name) const {
    for (const auto& [key, value] : fields)
      if (key == name) return value;
    return std::nullopt;
  }
};

Block read_fields(std::string_view text) {
  Block block;
  while (!text.empty()) {
    const std::size_t lf = text.find('\n');
    std::string_view line = text.substr(0, lf);
    text = lf == std::string_view::npos ? std::string_view{} : text.substr(lf + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    if ((line.front() == ' ' || line.front() == '\t')) {
      if (!block.fields.empty() && block.fields.back().second.size() < BounceReport::kMaxField * 4) {
        block.fields.back().second += ' ';
        block.fields.back().second += trim_blanks(line);
      }
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || block.fields.size() == kMaxFields) continue;
    block.fields.emplace_back(ascii_lower(trim_blanks(line.substr(0, colon))),
                              std::string(trim_blanks(line.substr(colon + 1))));
  }
  block.rest = text;
  return block;
}

struct ContentType {
  std::string type;  // "multipart/report", lower case
  std::map<std::string, std::string> params;
};

ContentType parse_content_type(std::string_view value) {
  ContentType out;
  const std::size_t semi = value.find(';');
  out.type = ascii_lower(trim_blanks(value.substr(0, semi)));
  std::string_view rest = semi == std::string_view::npos ? std::string_view{} : value.substr(semi + 1);
  while (!rest.empty()) {
    rest = trim_blanks(rest);
    const std::size_t eq = rest.find('=');
    if (eq == std::string_view::npos) break;
    const std::string name = ascii_lower(trim_blanks(rest.substr(0, eq)));
    rest = trim_blanks(rest.substr(eq + 1));
    std::string param;
    if (!rest.empty() && rest.front() == '"') {
      std::size_t i = 1;
      for (; i < rest.size() && rest[i] != '"'; ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
        param += rest[i];
      }
      rest = rest.substr(std::min(rest.size(), i + 1));
      const std::size_t next = rest.find(';');
      rest = next == std::string_view::npos ? std::string_view{} : rest.substr(next + 1);
    } else {
      const std::size_t next = rest.find(';');
      param = trim_blanks(rest.substr(0, next));
      rest = next == std::string_view::npos ? std::string_view{} : rest.substr(next + 1);
    }
    out.params.emplace(name, std::move(param));
  }
  return out;
}

std::string decode_quoted_printable(std::string_view text) {
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') {
      out += text[i];
    } else if (i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else if (i + 1 < text.size() && (text[i + 1] == '\r' || text[i + 1] == '\n')) {
      i += text[i + 1] == '\r' && i + 2 < text.size() && text[i + 2] == '\n' ? 2 : 1;  // soft line break
    } else {
      out += '=';
    }
  }
  return out;
}

std::string decoded_body(const Block& part) {
  const std::string encoding = ascii_lower(part.get("content-transfer-encoding").value_or(""));
  if (encoding == "base64") return base64_decode_lenient(part.rest);
  if (encoding == "quoted-printable") return decode_quoted_printable(part.rest);
  return std::string(part.rest);
}

// The bodies of a multipart's parts, between "--boundary" lines.
std::vector<std::string_view> split_multipart(std::string_view body, std::string_view boundary) {
  std::vector<std::string_view> parts;
  if (boundary.empty()) return parts;
  const std::string delimiter = "--" + std::string(boundary);
  std::optional<std::size_t> part_start;
  std::size_t pos = 0;
  while (pos < body.size() && parts.size() < kMaxParts) {
    const std::size_t lf = body.find('\n', pos);
    const std::size_t end = lf == std::string_view::npos ? body.size() : lf;
    const std::string_view line = trim_blanks(body.substr(pos, end - pos));
    if (line.starts_with(delimiter)) {
      if (part_start) {
        std::size_t part_end = pos;  // drop the CRLF before the delimiter
        if (part_end > *part_start && body[part_end - 1] == '\n') --part_end;
        if (part_end > *part_start && body[part_end - 1] == '\r') --part_end;
        parts.push_back(body.substr(*part_start, part_end - *part_start));
      }
      if (line.substr(delimiter.size()).starts_with("--")) break;
      part_start = end + 1 > body.size() ? body.size() : end + 1;
    }
    pos = end + 1;
  }
  return parts;
}

std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, BounceReport::kMaxField)) {
    const auto byte = static_cast<unsigned char>(c);
    out += byte >= 0x20 && byte < 0x7f ? c : '?';
  }
  return out;
}

// "rfc822; user@example.com" -> "user@example.com"
std::string after_type(std::string_view value) {
  const std::size_t semi = value.find(';');
  return printable(trim_blanks(semi == std::string_view::npos ? value : value.substr(semi + 1)));
}

struct Findings {
  bool report = false;  // a delivery-status report was found
  std::optional<BounceReport> failed;
  std::string message_id;
};

void read_status(std::string_view text, Findings& found) {
  Block block = read_fields(text);  // the per-message fields
  for (std::size_t groups = 0; !block.rest.empty() && groups < kMaxParts && !found.failed; ++groups) {
    block = read_fields(block.rest);
    const auto action = block.get("action");
    if (!action) continue;
    const std::string lower = ascii_lower(trim_blanks(action->substr(0, action->find('('))));
    if (lower != "failed") continue;
    BounceReport report;
    report.action = lower;
    report.recipient = after_type(block.get("final-recipient").value_or(block.get("original-recipient").value_or("")));
    report.status = printable(trim_blanks(block.get("status").value_or("")));
    report.diagnostic = after_type(block.get("diagnostic-code").value_or(""));
    found.failed = std::move(report);
  }
}

void read_original(std::string_view text, Findings& found) {
  const Block headers = read_fields(text);
  if (auto id = headers.get("message-id")) {
    std::string_view value = trim_blanks(*id);
    if (value.starts_with('<')) value.remove_prefix(1);
    if (const std::size_t close = value.find('>'); close != std::string_view::npos) value = value.substr(0, close);
    found.message_id = printable(trim_blanks(value));
  }
}

void walk(const Block& part, std::size_t depth, bool in_report, Findings& found) {
  const ContentType type = parse_content_type(part.get("content-type").value_or("text/plain"));
  if (in_report) {
    if (type.type == "message/delivery-status" || type.type == "message/global-delivery-status") {
      found.report = true;
      if (!found.failed) read_status(decoded_body(part), found);
      return;
    }
    if (type.type == "text/rfc822-headers" || type.type == "message/rfc822" || type.type == "message/global-headers") {
      if (found.message_id.empty()) read_original(decoded_body(part), found);
      return;
    }
  }
  if (!type.type.starts_with("multipart/") || depth >= BounceReport::kMaxDepth) return;
  auto boundary = type.params.find("boundary");
  if (boundary == type.params.end()) return;
  const bool report =
      type.type == "multipart/report" &&
      ascii_lower(type.params.count("report-type") ? type.params.at("report-type") : "") == "delivery-status";
  for (const std::string_view body : split_multipart(part.rest, boundary->second)) {
    walk(read_fields(body), depth + 1, report, found);
    if (found.failed && !found.message_id.empty()) return;
  }
}

}  // namespace

Result<BounceReport> parse_bounce(std::string_view message) {
  if (message.size() > BounceReport::kMaxBytes)
    return make_input_error("bounce: larger than " + std::to_string(BounceReport::kMaxBytes) + " bytes");
  Findings found;
  walk(read_fields(message), 0, false, found);
  if (!found.report) return make_input_error("bounce: not a delivery status notification (RFC 3464)");
  if (!found.failed) return make_input_error("bounce: no recipient with Action: failed");
  if (found.message_id.empty()) return make_input_error("bounce: no original Message-ID");
  BounceReport report = std::move(*found.failed);
  report.original_message_id = std::move(found.message_id);
  return report;
}

}  // namespace fumidai::mail
