// Fuzz target: the bytes an HTTP server sends back to a grabber's request.
// The input is the response exactly as read from the socket, so every seed in
// corpus/fuzz_http_response/ is a plain response file. A hash of the input
// picks where the read loop's reads end and whether the request was HEAD.
//
// For the default limits and for small ones (to reach every limit with short
// inputs), the response is parsed twice: whole, then in three pieces; both
// end with finish(). The outcomes must be identical, and each must keep the
// promises HttpResponseParser and HtmlExtractor make about untrusted input.
// The extractors and the URL resolver also run on the raw input directly.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "FuzzCheck.h"
#include "fumidai/scanner/probes/http/HtmlExtractor.h"
#include "fumidai/scanner/probes/http/HttpResponseParser.h"
#include "fumidai/scanner/probes/http/Url.h"

using namespace fumidai;
using namespace fumidai::scanner;

namespace {

constexpr std::string_view kPageUrl = "http://192.0.2.7:8080/admin/index.html";

std::uint64_t fnv1a(std::span<const std::uint8_t> bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const auto b : bytes) h = (h ^ b) * 0x100000001b3ULL;
  return h;
}

// Well-formed UTF-8 (Unicode Table 3-7), independently of SafeText.
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b < 0x80) {
      n = 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
      n = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      n = 3;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      n = 4;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) return false;
    }
    i += n;
  }
  return true;
}

void check_title(const std::optional<std::string>& title) {
  if (!title) return;
  FUZZ_CHECK(title->size() <= kMaxTitleBytes);
  FUZZ_CHECK(valid_utf8(*title));
  FUZZ_CHECK(title->find('\0') == std::string::npos);
}

void check_url(const std::optional<std::string>& url) {
  if (!url) return;
  FUZZ_CHECK(url->size() <= kMaxUrlBytes);
  FUZZ_CHECK(url->starts_with("http://") || url->starts_with("https://"));
  for (const char c : *url) FUZZ_CHECK(c > 0x20 && c < 0x7F);
}

struct Outcome {
  bool ok = false;
  HttpParseState state = HttpParseState::need_more;
  std::string error;
  bool headers_complete = false;
  HttpResponse response;
};

Outcome parse(std::span<const std::uint8_t> input, std::span<const std::size_t> cuts, bool head,
              const HttpLimits& limits) {
  HttpResponseParser parser(HttpResponseParser::Request{std::string(kPageUrl), head}, limits);
  Outcome out;
  const auto record = [&](const Result<HttpParseState>& r) {
    out.ok = r.has_value();
    out.state = r ? *r : HttpParseState::need_more;
    out.error = r ? std::string() : r.error().message;
  };
  std::size_t start = 0;
  for (const std::size_t cut : cuts) {
    record(parser.feed(input.subspan(start, cut - start)));
    start = cut;
  }
  record(parser.feed(input.subspan(start)));
  record(parser.finish());
  const std::string_view first = parser.first_bytes();
  FUZZ_CHECK(first.size() <= limits.first_bytes_kept);
  FUZZ_CHECK(std::string_view(reinterpret_cast<const char*>(input.data()), input.size()).starts_with(first));
  // finish() always ends the exchange one way or the other.
  FUZZ_CHECK(!out.ok || out.state == HttpParseState::complete);
  out.headers_complete = parser.headers_complete();
  out.response = parser.take_response();
  return out;
}

void check(const Outcome& out, const HttpLimits& limits) {
  const HttpResponse& r = out.response;
  FUZZ_CHECK(out.ok || !out.error.empty());
  FUZZ_CHECK(r.headers.size() <= limits.max_header_count);
  std::size_t header_bytes = 0;
  for (const auto& h : r.headers) header_bytes += h.name.size() + h.value.size();
  FUZZ_CHECK(header_bytes <= limits.max_header_bytes);
  FUZZ_CHECK(r.body.size() <= limits.max_body_bytes);
  FUZZ_CHECK(!r.body_truncated || r.body.size() == limits.max_body_bytes);
  if (out.ok) {
    FUZZ_CHECK(out.headers_complete);
    FUZZ_CHECK(r.status >= 100 && r.status <= 999);
    FUZZ_CHECK(r.version == "HTTP/1.0" || r.version == "HTTP/1.1");
    FUZZ_CHECK(r.body_sha256.size() == 64);
  }
  if (!out.headers_complete) FUZZ_CHECK(r.body.empty() && !r.title && !r.favicon_url);
  check_title(r.title);
  check_url(r.favicon_url);
  if (const auto realm = r.www_authenticate_realm()) FUZZ_CHECK(realm->size() <= header_bytes);
  for (const auto& name : r.set_cookie_names()) FUZZ_CHECK(name.size() <= header_bytes);
}

void check_same(const Outcome& a, const Outcome& b) {
  FUZZ_CHECK(a.ok == b.ok);
  FUZZ_CHECK(a.state == b.state);
  FUZZ_CHECK(a.error == b.error);
  FUZZ_CHECK(a.headers_complete == b.headers_complete);
  const HttpResponse &x = a.response, &y = b.response;
  FUZZ_CHECK(x.version == y.version && x.status == y.status && x.reason == y.reason);
  FUZZ_CHECK(x.headers.size() == y.headers.size());
  for (std::size_t i = 0; i < x.headers.size(); ++i) {
    FUZZ_CHECK(x.headers[i].name == y.headers[i].name);
    FUZZ_CHECK(x.headers[i].value == y.headers[i].value);
  }
  FUZZ_CHECK(x.content_length == y.content_length);
  FUZZ_CHECK(x.body == y.body && x.body_truncated == y.body_truncated && x.body_sha256 == y.body_sha256);
  FUZZ_CHECK(x.title == y.title && x.favicon_url == y.favicon_url);
}

HttpLimits small_limits() {
  HttpLimits limits;
  limits.max_status_line = 64;
  limits.max_header_line = 64;
  limits.max_header_bytes = 512;
  limits.max_header_count = 8;
  limits.max_body_bytes = 100;
  limits.max_chunk_size_line = 16;
  limits.first_bytes_kept = 32;
  return limits;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  const std::uint64_t hash = fnv1a(input);
  std::size_t cuts[2] = {static_cast<std::size_t>(hash % (size + 1)),
                         static_cast<std::size_t>((hash >> 24) % (size + 1))};
  std::sort(std::begin(cuts), std::end(cuts));
  const bool head = ((hash >> 48) & 15) == 0;

  static const HttpLimits kLimits[] = {HttpLimits{}, small_limits()};
  for (const HttpLimits& limits : kLimits) {
    const Outcome whole = parse(input, {}, head, limits);
    const Outcome split = parse(input, cuts, head, limits);
    check(whole, limits);
    check(split, limits);
    check_same(whole, split);
  }

  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_title(extract_title(text));
  if (const auto href = find_icon_href(text)) {
    FUZZ_CHECK(href->size() <= kMaxUrlBytes);
    check_url(resolve_http_url(kPageUrl, *href));
  }
  check_url(resolve_http_url(kPageUrl, text));
  check_url(resolve_http_url(text, "favicon.ico"));
  return 0;
}
