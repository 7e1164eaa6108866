#include "fumidai/scanner/probes/http/HttpResponseParser.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "fumidai/core/AsciiCase.h"
#include "fumidai/scanner/probes/http/AsciiText.h"
#include "fumidai/scanner/probes/http/HtmlExtractor.h"
#include "fumidai/scanner/probes/http/Url.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {

namespace {

using http_text::iequals;
using http_text::is_ows;
using http_text::trim_ows;

constexpr std::uint64_t kMaxU64 = std::numeric_limits<std::uint64_t>::max();

// "HTTP/1.1 200" and the byte after it: what can_start_status_line judges.
constexpr std::size_t kStatusPrefix = 13;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Whether `line`, as far as it has arrived, can begin "HTTP/1.x NNN[ reason]",
// so that a peer speaking another protocol fails on its first bytes instead
// of after a whole line (which a binary protocol may never send). A CR may
// follow the code only as the line's end: take_status_line checks.
bool can_start_status_line(std::string_view line) {
  static constexpr std::string_view kName = "HTTP/1.";
  for (std::size_t i = 0; i < line.size() && i < kStatusPrefix; ++i) {
    const char c = line[i];
    bool ok = false;
    if (i < kName.size())
      ok = c == kName[i];
    else if (i == 7)
      ok = c == '0' || c == '1';
    else if (i == 8)
      ok = c == ' ';
    else if (i == 9)
      ok = c >= '1' && c <= '9';
    else if (i < 12)
      ok = is_ascii_digit(c);
    else
      ok = c == ' ' || c == '\r';
    if (!ok) return false;
  }
  return true;
}

Error not_http(std::string_view line) {
  return make_error("http: not an HTTP/1.x response (status line expected): " + quote_bytes(line));
}

Error over_limit(std::string_view what, std::size_t limit, std::string_view field) {
  return make_error("http: " + std::string(what) + " longer than " + std::to_string(limit) +
                    " bytes (HttpLimits::" + std::string(field) + ")");
}

std::optional<std::uint64_t> parse_decimal(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : s) {
    if (!is_ascii_digit(c)) return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (kMaxU64 - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

// Every Content-Length field, each possibly a list ("42, 42", as some proxies
// send), must carry the same number (RFC 9112, 6.3, item 5).
Result<std::optional<std::uint64_t>> content_length(const HttpResponse& response) {
  std::optional<std::uint64_t> length;
  for (const auto field : response.header_values("Content-Length")) {
    std::size_t start = 0;
    while (start <= field.size()) {
      const std::size_t comma = std::min(field.find(',', start), field.size());
      const std::string_view element = trim_ows(field.substr(start, comma - start));
      const auto value = parse_decimal(element);
      if (!value) return make_error("http: invalid Content-Length " + quote_bytes(field));
      if (length && *length != *value)
        return make_error("http: conflicting Content-Length values " + std::to_string(*length) + " and " +
                          std::to_string(*value));
      length = value;
      start = comma + 1;
    }
  }
  return length;
}

struct TransferCoding {
  bool present = false;  // a coding other than the obsolete "identity"
  bool chunked = false;  // the last coding is chunked
};

TransferCoding transfer_coding(const HttpResponse& response) {
  TransferCoding coding;
  for (const auto field : response.header_values("Transfer-Encoding")) {
    std::size_t start = 0;
    while (start <= field.size()) {
      const std::size_t comma = std::min(field.find(',', start), field.size());
      const std::string_view element = trim_ows(field.substr(start, comma - start));
      if (!element.empty() && !iequals(element, "identity")) {
        coding.present = true;
        coding.chunked = iequals(element, "chunked");
      }
      start = comma + 1;
    }
  }
  return coding;
}

std::string sha256_hex(std::string_view data) {
  static constexpr char kHex[] = "0123456789abcdef";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // Fails only when OpenSSL cannot allocate; an empty hash then says "unknown".
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1) return {};
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xF];
  }
  return hex;
}

}  // namespace

HttpResponseParser::HttpResponseParser(Request request, HttpLimits limits)
    : request_(std::move(request)), limits_(limits) {}

Result<HttpParseState> HttpResponseParser::feed(std::span<const std::uint8_t> bytes) {
  if (phase_ == Phase::failed) return error_;
  if (phase_ == Phase::complete) return HttpParseState::complete;
  const std::size_t keep = std::min(bytes.size(), limits_.first_bytes_kept - first_bytes_.size());
  first_bytes_.append(reinterpret_cast<const char*>(bytes.data()), keep);
  std::size_t i = 0;
  while (i < bytes.size() && phase_ != Phase::complete) {
    const auto used = step(bytes.subspan(i));
    if (!used) return fail(used.error());
    i += *used;
  }
  return phase_ == Phase::complete ? HttpParseState::complete : HttpParseState::need_more;
}

Result<HttpParseState> HttpResponseParser::finish() {
  switch (phase_) {
    case Phase::failed:
      return error_;
    case Phase::complete:
      return HttpParseState::complete;
    case Phase::body_until_close:
    case Phase::trailers:  // the body is whole; only the empty line after the trailers is missing
      complete();
      return HttpParseState::complete;
    case Phase::status_line:
    case Phase::headers:
      return fail(make_error(header_bytes_ == 0 ? "http: connection closed before any response"
                                                : "http: connection closed before the end of the headers"));
    case Phase::body_length:
      return fail(make_error("http: connection closed after " + std::to_string(response_.body.size()) + " of " +
                             std::to_string(response_.content_length.value_or(0)) + " body bytes"));
    case Phase::chunk_size:
    case Phase::chunk_data:
    case Phase::chunk_data_end:
      break;
  }
  return fail(make_error("http: connection closed inside the chunked body"));
}

// Consumes a prefix of `in` (never empty): at least one byte, or none when
// the response completes.
Result<std::size_t> HttpResponseParser::step(std::span<const std::uint8_t> in) {
  switch (phase_) {
    case Phase::status_line:
    case Phase::headers:
    case Phase::chunk_size:
    case Phase::trailers:
      return read_line(in);
    case Phase::body_length:
    case Phase::chunk_data: {
      if (stop_if_body_full()) return 0;
      const std::size_t used =
          take_body(in.first(static_cast<std::size_t>(std::min<std::uint64_t>(in.size(), remaining_))));
      remaining_ -= used;
      if (remaining_ == 0 && phase_ == Phase::body_length) {
        complete();
      } else if (remaining_ == 0) {
        phase_ = Phase::chunk_data_end;
        chunk_cr_seen_ = false;
      } else {
        stop_if_body_full();  // the peer has more: no need to wait for it
      }
      return used;
    }
    case Phase::body_until_close:
      if (stop_if_body_full()) return 0;
      return take_body(in);
    case Phase::chunk_data_end:
      if (in[0] == '\r' && !chunk_cr_seen_) {
        chunk_cr_seen_ = true;
      } else if (in[0] == '\n') {
        phase_ = Phase::chunk_size;
      } else {
        return make_error("http: chunk data not followed by a line end");
      }
      return 1;
    case Phase::complete:
    case Phase::failed:
      break;
  }
  return in.size();  // not reached: feed() stops in these phases
}

// Every limit is checked at the byte that first exceeds it, and the status
// line's start byte by byte, so the outcome and the error message do not
// depend on how the peer's bytes were split into reads.
Result<std::size_t> HttpResponseParser::read_line(std::span<const std::uint8_t> in) {
  std::size_t limit = limits_.max_chunk_size_line;
  std::string_view what = "chunk-size line", field = "max_chunk_size_line";
  if (phase_ == Phase::status_line) {
    limit = limits_.max_status_line;
    what = "status line";
    field = "max_status_line";
  } else if (phase_ == Phase::headers || phase_ == Phase::trailers) {
    limit = limits_.max_header_line;
    what = "header line";
    field = "max_header_line";
  }
  const bool counted = phase_ != Phase::chunk_size;  // toward max_header_bytes
  std::size_t n = in.size();
  if (counted) {
    if (header_bytes_ == limits_.max_header_bytes)
      return over_limit("response headers", limits_.max_header_bytes, "max_header_bytes");
    n = std::min(n, limits_.max_header_bytes - header_bytes_);
  }
  if (phase_ == Phase::status_line && line_.size() < kStatusPrefix) n = 1;
  const auto* lf = static_cast<const std::uint8_t*>(std::memchr(in.data(), '\n', n));
  const std::size_t take = lf ? static_cast<std::size_t>(lf - in.data()) : n;
  // + 1: the CR of a CR LF, removed when the LF arrives.
  if (line_.size() + take > limit + 1) return over_limit(what, limit, field);
  const std::size_t used = take + (lf ? 1 : 0);
  if (counted) header_bytes_ += used;
  line_.append(reinterpret_cast<const char*>(in.data()), take);
  if (phase_ == Phase::status_line && !can_start_status_line(line_)) return not_http(line_);
  if (!lf) return used;
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();
  if (line_.size() > limit) return over_limit(what, limit, field);
  if (auto taken = take_line(); !taken) return taken.error();
  line_.clear();
  return used;
}

Result<void> HttpResponseParser::take_line() {
  switch (phase_) {
    case Phase::status_line:
      return take_status_line();
    case Phase::headers:
      return take_header_line();
    case Phase::chunk_size:
      return take_chunk_size_line();
    case Phase::trailers:
      if (line_.empty()) complete();
      return {};
    default:
      return {};  // read_line runs only in the phases above
  }
}

Result<void> HttpResponseParser::take_status_line() {
  const std::string_view line = line_;
  if (line.size() < 12 || !can_start_status_line(line) || (line.size() > 12 && line[12] != ' ')) return not_http(line);
  response_.version = std::string(line.substr(0, 8));
  response_.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  response_.reason = std::string(line.size() > 12 ? line.substr(13) : std::string_view{});
  phase_ = Phase::headers;
  return {};
}

Result<void> HttpResponseParser::take_header_line() {
  const std::string_view line = line_;
  if (line.empty()) return end_of_headers();
  auto& headers = response_.headers;
  if (is_ows(line[0])) {
    // obs-fold (RFC 9112, 5.2): a continuation of the previous field's value.
    if (headers.empty()) return make_error("http: continuation line before any header field: " + quote_bytes(line));
    const std::string_view more = trim_ows(line);
    if (!more.empty()) {
      if (!headers.back().value.empty()) headers.back().value += ' ';
      headers.back().value.append(more);
    }
    return {};
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return make_error("http: header line without a colon: " + quote_bytes(line));
  const std::string_view name = trim_ows(line.substr(0, colon));
  if (name.empty()) return make_error("http: header line without a field name: " + quote_bytes(line));
  if (headers.size() >= limits_.max_header_count)
    return make_error("http: more than " + std::to_string(limits_.max_header_count) +
                      " header fields (HttpLimits::max_header_count)");
  headers.push_back(HttpHeader{std::string(name), std::string(trim_ows(line.substr(colon + 1)))});
  return {};
}

// Picks how the body is delimited (RFC 9112, 6.3).
Result<void> HttpResponseParser::end_of_headers() {
  const int status = response_.status;
  headers_complete_ = status >= 200 || status == 101;
  if (status < 200 && status != 101) {
    // An interim response (100 Continue, 103 Early Hints): the final one follows.
    response_ = HttpResponse{};
    phase_ = Phase::status_line;
    return {};
  }
  auto length = content_length(response_);
  if (!length) return length.error();
  response_.content_length = *length;
  if (request_.head || status < 200 || status == 204 || status == 304) {
    complete();
    return {};
  }
  const TransferCoding coding = transfer_coding(response_);
  if (coding.chunked) {
    phase_ = Phase::chunk_size;
  } else if (coding.present || !*length) {
    phase_ = Phase::body_until_close;
  } else if (**length == 0) {
    complete();
  } else {
    remaining_ = **length;
    response_.body.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, limits_.max_body_bytes)));
    phase_ = Phase::body_length;
    stop_if_body_full();  // max_body_bytes == 0: nothing to wait for
  }
  return {};
}

Result<void> HttpResponseParser::take_chunk_size_line() {
  const std::string_view line = line_;
  std::size_t i = 0;
  std::uint64_t size = 0;
  for (; i < line.size() && hex_digit(line[i]) >= 0; ++i) {
    if (size > (kMaxU64 >> 4)) return make_error("http: chunk size out of range: " + quote_bytes(line));
    size = size * 16 + static_cast<std::uint64_t>(hex_digit(line[i]));
  }
  std::size_t rest = i;
  while (rest < line.size() && is_ows(line[rest])) ++rest;
  // Chunk extensions (";name=value...") carry nothing a grabber records.
  if (i == 0 || (rest < line.size() && line[rest] != ';'))
    return make_error("http: invalid chunk-size line: " + quote_bytes(line));
  if (size == 0) {
    phase_ = Phase::trailers;
  } else {
    remaining_ = size;
    phase_ = Phase::chunk_data;
    stop_if_body_full();  // more data is announced: no need to wait for it
  }
  return {};
}

std::size_t HttpResponseParser::take_body(std::span<const std::uint8_t> in) {
  const std::size_t n = std::min(in.size(), limits_.max_body_bytes - response_.body.size());
  response_.body.append(reinterpret_cast<const char*>(in.data()), n);
  return n;
}

bool HttpResponseParser::stop_if_body_full() {
  if (response_.body.size() < limits_.max_body_bytes) return false;
  response_.body_truncated = true;
  complete();
  return true;
}

void HttpResponseParser::complete() {
  phase_ = Phase::complete;
  finalize_body();
}

void HttpResponseParser::finalize_body() {
  response_.body_sha256 = sha256_hex(response_.body);
  response_.title = extract_title(response_.body);
  if (const auto href = find_icon_href(response_.body); href && !request_.url.empty())
    response_.favicon_url = resolve_http_url(request_.url, *href);
}

Error HttpResponseParser::fail(Error error) {
  if (headers_complete() && phase_ != Phase::complete) finalize_body();
  phase_ = Phase::failed;
  error_ = std::move(error);
  return error_;
}

}  // namespace fumidai::scanner
