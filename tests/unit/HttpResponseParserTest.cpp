// HttpResponseParser and HttpResponse. The fixtures are real responses, as
// sent on loopback by lighttpd 1.4.69 and nginx 1.22.1 (Debian 12) to
// `printf 'GET ... HTTP/1.1\r\nHost: 127.0.0.1\r\n...' | nc 127.0.0.1 PORT`;
// their Date headers are from the capture.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/scanner/probes/http/HttpResponseParser.h"

using namespace fumidai;
using namespace fumidai::scanner;

namespace {

// lighttpd: GET / (a static page with a title and an icon link).
constexpr std::string_view kLighttpd200Cl =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/html\r\n"
    "ETag: \"1140200501\"\r\n"
    "Last-Modified: Fri, 27 Nov 2026 00:21:24 GMT\r\n"
    "Content-Length: 235\r\n"
    "Accept-Ranges: bytes\r\n"
    "Connection: close\r\n"
    "Date: Fri, 27 Nov 2026 00:21:28 GMT\r\n"
    "Server: lighttpd/1.4.69\r\n"
    "\r\n"
    "<!DOCTYPE html>\n"
    "<html>\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<TITLE lang=\"en\">  Router   Admin &amp; Status\n"
    " Page </TITLE>\n"
    "<link rel=\"shortcut icon\" href=\"/static/fav.ico?v=2\" type=\"image/x-icon\">\n"
    "</head>\n"
    "<body><h1>Welcome</h1></body>\n"
    "</html>\n";

// lighttpd: HEAD /.
constexpr std::string_view kLighttpdHead =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/html\r\n"
    "ETag: \"1140200501\"\r\n"
    "Last-Modified: Fri, 27 Nov 2026 00:21:24 GMT\r\n"
    "Content-Length: 235\r\n"
    "Accept-Ranges: bytes\r\n"
    "Connection: close\r\n"
    "Date: Fri, 27 Nov 2026 00:21:36 GMT\r\n"
    "Server: lighttpd/1.4.69\r\n"
    "\r\n";

// lighttpd: GET /private/ (auth.require, method basic).
constexpr std::string_view kLighttpd401Basic =
    "HTTP/1.1 401 Unauthorized\r\n"
    "WWW-Authenticate: Basic realm=\"Router Admin\", charset=\"UTF-8\"\r\n"
    "Content-Type: text/html\r\n"
    "Content-Length: 347\r\n"
    "Connection: close\r\n"
    "Date: Fri, 27 Nov 2026 00:21:30 GMT\r\n"
    "Server: lighttpd/1.4.69\r\n"
    "\r\n"
    "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n"
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n"
    "         \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
    "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\" lang=\"en\">\n"
    " <head>\n"
    "  <title>401 Unauthorized</title>\n"
    " </head>\n"
    " <body>\n"
    "  <h1>401 Unauthorized</h1>\n"
    " </body>\n"
    "</html>\n";

// lighttpd: GET /digest/ (auth.require, method digest).
constexpr std::string_view kLighttpd401Digest =
    "HTTP/1.1 401 Unauthorized\r\n"
    "WWW-Authenticate: Digest realm=\"Digest Realm\", charset=\"UTF-8\", algorithm=MD5, "
    "nonce=\"6b08cd34:fae8393868c9af294825153ceb94b192\", qop=\"auth\"\r\n"
    "Content-Type: text/html\r\n"
    "Content-Length: 347\r\n"
    "Connection: close\r\n"
    "Date: Fri, 27 Nov 2026 00:22:12 GMT\r\n"
    "Server: lighttpd/1.4.69\r\n"
    "\r\n"
    "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n"
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n"
    "         \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
    "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\" lang=\"en\">\n"
    " <head>\n"
    "  <title>401 Unauthorized</title>\n"
    " </head>\n"
    " <body>\n"
    "  <h1>401 Unauthorized</h1>\n"
    " </body>\n"
    "</html>\n";

// lighttpd: GET /old (url.redirect, url.redirect-code = 302).
constexpr std::string_view kLighttpd302 =
    "HTTP/1.1 302 Found\r\n"
    "Location: /new/place\r\n"
    "Content-Length: 0\r\n"
    "Connection: close\r\n"
    "Date: Fri, 27 Nov 2026 00:21:32 GMT\r\n"
    "Server: lighttpd/1.4.69\r\n"
    "\r\n";

// lighttpd: GET /missing.
constexpr std::string_view kLighttpd404 =
    "HTTP/1.1 404 Not Found\r\n"
    "Content-Type: text/html\r\n"
    "Content-Length: 341\r\n"
    "Connection: close\r\n"
    "Date: Fri, 27 Nov 2026 00:21:34 GMT\r\n"
    "Server: lighttpd/1.4.69\r\n"
    "\r\n"
    "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n"
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n"
    "         \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
    "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\" lang=\"en\">\n"
    " <head>\n"
    "  <title>404 Not Found</title>\n"
    " </head>\n"
    " <body>\n"
    "  <h1>404 Not Found</h1>\n"
    " </body>\n"
    "</html>\n";

// nginx: GET / through sub_filter, which drops Content-Length: chunked.
constexpr std::string_view kNginx200Chunked =
    "HTTP/1.1 200 OK\r\n"
    "Server: nginx/1.22.1\r\n"
    "Date: Fri, 27 Nov 2026 00:21:38 GMT\r\n"
    "Content-Type: text/html\r\n"
    "Transfer-Encoding: chunked\r\n"
    "Connection: close\r\n"
    "\r\n"
    "e9\r\n"
    "<!DOCTYPE html>\n"
    "<html>\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<TITLE lang=\"en\">  Router   Admin &amp; Status\n"
    " Page </TITLE>\n"
    "<link rel=\"shortcut icon\" href=\"/static/fav.ico?v=2\" type=\"image/x-icon\">\n"
    "</head>\n"
    "<body><h1>Hello</h1></body>\n"
    "</html>\n"
    "\r\n"
    "0\r\n"
    "\r\n";

// nginx: the same page asked for with HTTP/1.0: no length, the body ends at the close.
constexpr std::string_view kNginx200Http10Close =
    "HTTP/1.1 200 OK\r\n"
    "Server: nginx/1.22.1\r\n"
    "Date: Fri, 27 Nov 2026 00:22:03 GMT\r\n"
    "Content-Type: text/html\r\n"
    "Connection: close\r\n"
    "\r\n"
    "<!DOCTYPE html>\n"
    "<html>\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<TITLE lang=\"en\">  Router   Admin &amp; Status\n"
    " Page </TITLE>\n"
    "<link rel=\"shortcut icon\" href=\"/static/fav.ico?v=2\" type=\"image/x-icon\">\n"
    "</head>\n"
    "<body><h1>Hello</h1></body>\n"
    "</html>\n";

// nginx: auth_basic "nginx \"quoted\" realm"; nginx does not escape the quotes.
constexpr std::string_view kNginx401Basic =
    "HTTP/1.1 401 Unauthorized\r\n"
    "Server: nginx/1.22.1\r\n"
    "Date: Fri, 27 Nov 2026 00:21:41 GMT\r\n"
    "Content-Type: text/html\r\n"
    "Content-Length: 179\r\n"
    "Connection: close\r\n"
    "WWW-Authenticate: Basic realm=\"nginx \"quoted\" realm\"\r\n"
    "\r\n"
    "<html>\r\n"
    "<head><title>401 Authorization Required</title></head>\r\n"
    "<body>\r\n"
    "<center><h1>401 Authorization Required</h1></center>\r\n"
    "<hr><center>nginx/1.22.1</center>\r\n"
    "</body>\r\n"
    "</html>\r\n";

// nginx: return 302 https://example.test/landing.
constexpr std::string_view kNginx302 =
    "HTTP/1.1 302 Moved Temporarily\r\n"
    "Server: nginx/1.22.1\r\n"
    "Date: Fri, 27 Nov 2026 00:21:43 GMT\r\n"
    "Content-Type: text/html\r\n"
    "Content-Length: 145\r\n"
    "Connection: close\r\n"
    "Location: https://example.test/landing\r\n"
    "\r\n"
    "<html>\r\n"
    "<head><title>302 Found</title></head>\r\n"
    "<body>\r\n"
    "<center><h1>302 Found</h1></center>\r\n"
    "<hr><center>nginx/1.22.1</center>\r\n"
    "</body>\r\n"
    "</html>\r\n";

// nginx: GET /nope.
constexpr std::string_view kNginx404 =
    "HTTP/1.1 404 Not Found\r\n"
    "Server: nginx/1.22.1\r\n"
    "Date: Fri, 27 Nov 2026 00:21:45 GMT\r\n"
    "Content-Type: text/html\r\n"
    "Content-Length: 153\r\n"
    "Connection: close\r\n"
    "\r\n"
    "<html>\r\n"
    "<head><title>404 Not Found</title></head>\r\n"
    "<body>\r\n"
    "<center><h1>404 Not Found</h1></center>\r\n"
    "<hr><center>nginx/1.22.1</center>\r\n"
    "</body>\r\n"
    "</html>\r\n";

// nginx: two add_header Set-Cookie.
constexpr std::string_view kNginxCookie =
    "HTTP/1.1 200 OK\r\n"
    "Server: nginx/1.22.1\r\n"
    "Date: Fri, 27 Nov 2026 00:22:01 GMT\r\n"
    "Content-Type: text/html\r\n"
    "Content-Length: 2\r\n"
    "Connection: close\r\n"
    "Set-Cookie: SESSIONID=s3cr3t; Path=/; HttpOnly\r\n"
    "Set-Cookie: lang=en\r\n"
    "\r\n"
    "ok";

constexpr std::string_view kPageHtml =
    "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
    "<TITLE lang=\"en\">  Router   Admin &amp; Status\n Page </TITLE>\n"
    "<link rel=\"shortcut icon\" href=\"/static/fav.ico?v=2\" type=\"image/x-icon\">\n"
    "</head>\n<body><h1>Hello</h1></body>\n</html>\n";

struct Fixture {
  const char* name;
  std::string_view bytes;
  bool head;
  bool needs_eof;  // the body ends at the close
};

const Fixture kFixtures[] = {
    {"lighttpd_200_cl", kLighttpd200Cl, false, false},
    {"lighttpd_head", kLighttpdHead, true, false},
    {"lighttpd_401_basic", kLighttpd401Basic, false, false},
    {"lighttpd_401_digest", kLighttpd401Digest, false, false},
    {"lighttpd_302", kLighttpd302, false, false},
    {"lighttpd_404", kLighttpd404, false, false},
    {"nginx_200_chunked", kNginx200Chunked, false, false},
    {"nginx_200_http10_close", kNginx200Http10Close, false, true},
    {"nginx_401_basic", kNginx401Basic, false, false},
    {"nginx_302", kNginx302, false, false},
    {"nginx_404", kNginx404, false, false},
    {"nginx_cookie", kNginxCookie, false, false},
};

std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// What a read loop ends with: the last state or error, and the response.
struct Outcome {
  bool ok = false;
  HttpParseState state = HttpParseState::need_more;
  std::string error;
  HttpResponse response;
};

HttpResponseParser::Request request(bool head = false, std::string url = "http://127.0.0.1:18080/") {
  return HttpResponseParser::Request{std::move(url), head};
}

// Feeds `input` in pieces ending at each of `cuts` (ascending), then calls
// finish() if `eof` and the response is not complete yet.
Outcome run(std::string_view input, const std::vector<std::size_t>& cuts, bool eof,
            HttpResponseParser::Request req = request(), HttpLimits limits = {}) {
  HttpResponseParser parser(std::move(req), limits);
  Outcome out;
  std::size_t start = 0;
  auto record = [&](const Result<HttpParseState>& r) {
    out.ok = r.has_value();
    if (r)
      out.state = *r;
    else
      out.error = r.error().message;
  };
  for (std::size_t cut : cuts) {
    record(parser.feed(bytes_of(input.substr(start, cut - start))));
    start = cut;
  }
  record(parser.feed(bytes_of(input.substr(start))));
  if (eof && out.ok && out.state == HttpParseState::need_more) record(parser.finish());
  out.response = parser.take_response();
  return out;
}

Outcome run_whole(std::string_view input, bool eof = false, HttpResponseParser::Request req = request(),
                  HttpLimits limits = {}) {
  return run(input, {}, eof, std::move(req), limits);
}

std::vector<std::size_t> every_byte(std::size_t size) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < size; ++i) cuts.push_back(i);
  return cuts;
}

std::vector<std::size_t> random_cuts(std::size_t size, std::mt19937& rng) {
  std::vector<std::size_t> cuts;
  if (size < 2) return cuts;
  std::uniform_int_distribution<std::size_t> count(1, 8), at(1, size - 1);
  for (std::size_t n = count(rng); n > 0; --n) cuts.push_back(at(rng));
  std::sort(cuts.begin(), cuts.end());
  return cuts;
}

void expect_same(const Outcome& a, const Outcome& b, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(a.ok, b.ok);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.error, b.error);
  const HttpResponse &x = a.response, &y = b.response;
  EXPECT_EQ(x.version, y.version);
  EXPECT_EQ(x.status, y.status);
  EXPECT_EQ(x.reason, y.reason);
  ASSERT_EQ(x.headers.size(), y.headers.size());
  for (std::size_t i = 0; i < x.headers.size(); ++i) {
    EXPECT_EQ(x.headers[i].name, y.headers[i].name);
    EXPECT_EQ(x.headers[i].value, y.headers[i].value);
  }
  EXPECT_EQ(x.content_length, y.content_length);
  EXPECT_EQ(x.body, y.body);
  EXPECT_EQ(x.body_truncated, y.body_truncated);
  EXPECT_EQ(x.body_sha256, y.body_sha256);
  EXPECT_EQ(x.title, y.title);
  EXPECT_EQ(x.favicon_url, y.favicon_url);
}

// Whole, one byte at a time and 50 random splits must all agree.
void expect_split_independent(std::string_view input, bool eof, HttpResponseParser::Request req = request(),
                              HttpLimits limits = {}) {
  const Outcome whole = run_whole(input, eof, req, limits);
  expect_same(whole, run(input, every_byte(input.size()), eof, req, limits), "one byte at a time");
  std::mt19937 rng(static_cast<unsigned>(input.size()));
  for (int i = 0; i < 50; ++i) {
    const auto cuts = random_cuts(input.size(), rng);
    expect_same(whole, run(input, cuts, eof, req, limits), "random split " + std::to_string(i));
  }
}

std::string error_of(std::string_view input, bool eof = false, HttpLimits limits = {}) {
  const Outcome out = run_whole(input, eof, request(), limits);
  EXPECT_FALSE(out.ok) << input.substr(0, 80);
  return out.error;
}

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

constexpr std::string_view kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

}  // namespace

// --- Real responses -------------------------------------------------------

TEST(HttpResponseParser, LighttpdContentLengthPage) {
  const Outcome out = run_whole(kLighttpd200Cl);
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.state, HttpParseState::complete);
  const HttpResponse& r = out.response;
  EXPECT_EQ(r.version, "HTTP/1.1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.reason, "OK");
  ASSERT_EQ(r.headers.size(), 8u);
  EXPECT_EQ(r.headers[0].name, "Content-Type");
  EXPECT_EQ(r.headers[0].value, "text/html");
  EXPECT_EQ(r.server(), "lighttpd/1.4.69");
  EXPECT_EQ(r.header("etag"), "\"1140200501\"");
  EXPECT_EQ(r.content_length, 235u);
  EXPECT_EQ(r.body.size(), 235u);
  EXPECT_TRUE(r.body.starts_with("<!DOCTYPE html>"));
  EXPECT_FALSE(r.body_truncated);
  EXPECT_EQ(r.body_sha256, "6b8f1bf558776735c5ca138829992c9f9b0e5904517c575628a0417bd86921a1");
  EXPECT_EQ(r.title, "Router Admin & Status Page");
  EXPECT_EQ(r.favicon_url, "http://127.0.0.1:18080/static/fav.ico?v=2");
  EXPECT_FALSE(r.location());
  EXPECT_FALSE(r.www_authenticate_realm());
}

TEST(HttpResponseParser, LighttpdHeadHasNoBodyDespiteContentLength) {
  const Outcome out = run_whole(kLighttpdHead, false, request(/*head=*/true));
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.state, HttpParseState::complete);
  EXPECT_EQ(out.response.content_length, 235u);
  EXPECT_TRUE(out.response.body.empty());
  EXPECT_EQ(out.response.body_sha256, kEmptySha256);
  EXPECT_FALSE(out.response.title);
}

TEST(HttpResponseParser, Lighttpd401BasicRealm) {
  const Outcome out = run_whole(kLighttpd401Basic);
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.state, HttpParseState::complete);
  EXPECT_EQ(out.response.status, 401);
  EXPECT_EQ(out.response.reason, "Unauthorized");
  EXPECT_EQ(out.response.www_authenticate_realm(), "Router Admin");
  EXPECT_EQ(out.response.title, "401 Unauthorized");
  EXPECT_FALSE(out.response.favicon_url);
}

TEST(HttpResponseParser, Lighttpd401DigestRealm) {
  const Outcome out = run_whole(kLighttpd401Digest);
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.response.www_authenticate_realm(), "Digest Realm");
}

TEST(HttpResponseParser, Lighttpd302LocationWithEmptyBody) {
  const Outcome out = run_whole(kLighttpd302);
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.state, HttpParseState::complete);  // Content-Length: 0, no need to wait for the close
  EXPECT_EQ(out.response.status, 302);
  EXPECT_EQ(out.response.location(), "/new/place");
  EXPECT_EQ(out.response.content_length, 0u);
  EXPECT_TRUE(out.response.body.empty());
  EXPECT_EQ(out.response.body_sha256, kEmptySha256);
}

TEST(HttpResponseParser, Lighttpd404) {
  const Outcome out = run_whole(kLighttpd404);
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.response.status, 404);
  EXPECT_EQ(out.response.reason, "Not Found");
  EXPECT_EQ(out.response.title, "404 Not Found");
}

TEST(HttpResponseParser, NginxChunkedPage) {
  const Outcome out = run_whole(kNginx200Chunked, false, request(false, "http://127.0.0.1:18081/"));
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.state, HttpParseState::complete);
  EXPECT_EQ(out.response.server(), "nginx/1.22.1");
  EXPECT_EQ(out.response.header("TRANSFER-ENCODING"), "chunked");
  EXPECT_FALSE(out.response.content_length);
  EXPECT_EQ(out.response.body, kPageHtml);
  EXPECT_EQ(out.response.body_sha256, "f9d2cbed511b23e9d642dc054236fcc30d94622b7a6e877ae934a9dbe048aa9b");
  EXPECT_EQ(out.response.title, "Router Admin & Status Page");
  EXPECT_EQ(out.response.favicon_url, "http://127.0.0.1:18081/static/fav.ico?v=2");
}

TEST(HttpResponseParser, NginxBodyUntilCloseNeedsFinish) {
  HttpResponseParser parser(request(false, "http://127.0.0.1:18081/"));
  EXPECT_EQ(parser.feed(bytes_of(kNginx200Http10Close)).value(), HttpParseState::need_more);
  EXPECT_TRUE(parser.headers_complete());
  EXPECT_EQ(parser.finish().value(), HttpParseState::complete);
  EXPECT_EQ(parser.response().body, kPageHtml);
  EXPECT_EQ(parser.response().body_sha256, "f9d2cbed511b23e9d642dc054236fcc30d94622b7a6e877ae934a9dbe048aa9b");
  EXPECT_FALSE(parser.response().body_truncated);
}

TEST(HttpResponseParser, Nginx401RealmWithUnescapedQuotes) {
  const Outcome out = run_whole(kNginx401Basic);
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.response.www_authenticate_realm(), "nginx \"quoted\" realm");
  EXPECT_EQ(out.response.title, "401 Authorization Required");
}

TEST(HttpResponseParser, Nginx302AbsoluteLocationAnd404) {
  const Outcome found = run_whole(kNginx302);
  ASSERT_TRUE(found.ok) << found.error;
  EXPECT_EQ(found.response.status, 302);
  EXPECT_EQ(found.response.reason, "Moved Temporarily");
  EXPECT_EQ(found.response.location(), "https://example.test/landing");
  EXPECT_EQ(found.response.title, "302 Found");
  const Outcome missing = run_whole(kNginx404);
  ASSERT_TRUE(missing.ok) << missing.error;
  EXPECT_EQ(missing.response.status, 404);
  EXPECT_EQ(missing.response.content_length, 153u);
  EXPECT_EQ(missing.response.body.size(), 153u);
}

TEST(HttpResponseParser, NginxSetCookieNamesOnly) {
  const Outcome out = run_whole(kNginxCookie);
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.response.set_cookie_names(), (std::vector<std::string>{"SESSIONID", "lang"}));
  EXPECT_EQ(out.response.body, "ok");
}

TEST(HttpResponseParser, EveryFixtureGivesTheSameResultWhateverTheSplit) {
  for (const Fixture& f : kFixtures) {
    SCOPED_TRACE(f.name);
    const Outcome whole = run_whole(f.bytes, f.needs_eof, request(f.head));
    ASSERT_TRUE(whole.ok) << whole.error;
    EXPECT_EQ(whole.state, HttpParseState::complete);
    expect_split_independent(f.bytes, f.needs_eof, request(f.head));
  }
}

// --- Framing ---------------------------------------------------------------

TEST(HttpResponseParser, BareLfLineEnds) {
  const Outcome out = run_whole("HTTP/1.0 200 OK\nServer: tiny\nContent-Length: 3\n\nabc");
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.state, HttpParseState::complete);
  EXPECT_EQ(out.response.version, "HTTP/1.0");
  EXPECT_EQ(out.response.server(), "tiny");
  EXPECT_EQ(out.response.body, "abc");
}

TEST(HttpResponseParser, StatusLineWithoutReason) {
  for (std::string_view line : {"HTTP/1.1 200\r\n", "HTTP/1.1 200 \r\n", "HTTP/1.1 200\n"}) {
    const Outcome out = run_whole(std::string(line) + "Content-Length: 0\r\n\r\n");
    ASSERT_TRUE(out.ok) << out.error;
    EXPECT_EQ(out.response.status, 200);
    EXPECT_EQ(out.response.reason, "");
  }
}

TEST(HttpResponseParser, RejectsWhatIsNotAnHttp1StatusLine) {
  for (std::string_view bad :
       {"HTTP/2 200 OK\r\n", "HTTP/1.2 200 OK\r\n", "http/1.1 200 OK\r\n", "HTTP/1.1 20 OK\r\n", "HTTP/1.1 2000 OK\r\n",
        "HTTP/1.1  200 OK\r\n", "HTTP/1.1 099 Low\r\n", "HTTP/1.1 200\rOK\r\n", "\r\nHTTP/1.1 200 OK\r\n", "<html>\r\n",
        "HTTP/1.1\r\n", "HTTP/1.1 200OK\r\n"}) {
    EXPECT_TRUE(contains(error_of(bad), "not an HTTP/1.x response")) << bad;
  }
}

TEST(HttpResponseParser, OtherProtocolFailsOnItsFirstByteAndIsKept) {
  constexpr std::string_view kSsh = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
  HttpResponseParser parser(request());
  const auto r = parser.feed(bytes_of(kSsh));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "http: not an HTTP/1.x response (status line expected): \"S\"");
  EXPECT_EQ(parser.first_bytes(), kSsh);
  EXPECT_FALSE(parser.headers_complete());
  // A binary protocol that never sends a line end fails just as early.
  HttpResponseParser binary(request());
  EXPECT_FALSE(binary.feed(bytes_of(std::string_view("\x16\x03\x01\x00\xa5", 5))));
}

TEST(HttpResponseParser, FirstBytesAreCapped) {
  HttpLimits limits;
  limits.first_bytes_kept = 16;
  HttpResponseParser parser(request(), limits);
  (void)parser.feed(bytes_of("HTTP/1.1 200 OK\r\nServer: x\r\n"));
  (void)parser.feed(bytes_of("\r\n"));
  EXPECT_EQ(parser.first_bytes(), "HTTP/1.1 200 OK\r");
}

TEST(HttpResponseParser, ObsFoldJoinsContinuationLines) {
  const Outcome out = run_whole(
      "HTTP/1.1 200 OK\r\nX-Long: first\r\n  second\r\n\tthird  \r\nServer: s\r\n \r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(out.ok) << out.error;
  ASSERT_EQ(out.response.headers.size(), 3u);
  EXPECT_EQ(out.response.header("x-long"), "first second third");
  EXPECT_EQ(out.response.server(), "s");
  EXPECT_TRUE(contains(error_of("HTTP/1.1 200 OK\r\n folded\r\n\r\n"), "continuation line before any header"));
}

TEST(HttpResponseParser, DuplicateHeadersKeptInOrder) {
  const Outcome out = run_whole("HTTP/1.1 200 OK\r\nVia: a\r\nX: 1\r\nvia: b\r\nVIA:c\r\nContent-Length : 0\r\n\r\n");
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.response.header("Via"), "a");
  EXPECT_EQ(out.response.header_values("via"), (std::vector<std::string_view>{"a", "b", "c"}));
  EXPECT_EQ(out.response.headers[2].name, "via");
  EXPECT_EQ(out.response.content_length, 0u);  // whitespace before the colon is tolerated
}

TEST(HttpResponseParser, MalformedHeaderLines) {
  EXPECT_TRUE(contains(error_of("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n"), "without a colon"));
  EXPECT_TRUE(contains(error_of("HTTP/1.1 200 OK\r\n: value\r\n\r\n"), "without a field name"));
}

TEST(HttpResponseParser, ContentLengthRepeatedWithOneValue) {
  for (std::string_view head :
       {"Content-Length: 3\r\nContent-Length: 3\r\n", "Content-Length: 3, 3\r\n", "Content-Length:3 , 3\r\n"}) {
    const Outcome out = run_whole("HTTP/1.1 200 OK\r\n" + std::string(head) + "\r\nabcdef");
    ASSERT_TRUE(out.ok) << out.error;
    EXPECT_EQ(out.response.content_length, 3u);
    EXPECT_EQ(out.response.body, "abc");  // the rest is not this response's
  }
}

TEST(HttpResponseParser, ConflictingOrInvalidContentLengthIsAnError) {
  EXPECT_EQ(error_of("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"),
            "http: conflicting Content-Length values 3 and 4");
  EXPECT_TRUE(contains(error_of("HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\n"), "conflicting"));
  for (std::string_view bad : {"abc", "-1", "", "1 2", "0x10", "+5", "3,", "18446744073709551616"}) {
    EXPECT_TRUE(contains(error_of("HTTP/1.1 200 OK\r\nContent-Length: " + std::string(bad) + "\r\n\r\n"),
                         "invalid Content-Length"))
        << bad;
  }
}

TEST(HttpResponseParser, ChunkedWithExtensionsAndTrailers) {
  const std::string input =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;name=value\r\nhello\r\n"
      "1 ; quoted=\"a;b\"\r\n,\r\n"
      "0006\r\n world\r\n"
      "0\r\nX-Trailer: t\r\nX-Other: u\r\n\r\n"
      "garbage after the response";
  const Outcome out = run_whole(input);
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.state, HttpParseState::complete);
  EXPECT_EQ(out.response.body, "hello, world");
  EXPECT_FALSE(out.response.header("X-Trailer"));  // trailers are read and dropped
  expect_split_independent(input, false);
}

TEST(HttpResponseParser, ChunkedWithBareLf) {
  const Outcome out = run_whole("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n3\nabc\n0\n\n");
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.state, HttpParseState::complete);
  EXPECT_EQ(out.response.body, "abc");
}

TEST(HttpResponseParser, MalformedChunks) {
  const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (std::string_view bad : {"zz\r\n", "\r\n", "5 x\r\n", ";ext\r\n", "-5\r\n"})
    EXPECT_TRUE(contains(error_of(head + std::string(bad)), "invalid chunk-size line")) << bad;
  EXPECT_TRUE(contains(error_of(head + "10000000000000000\r\n"), "chunk size out of range"));
  EXPECT_EQ(error_of(head + "3\r\nabcX\r\n"), "http: chunk data not followed by a line end");
  EXPECT_EQ(error_of(head + "3\r\nabc\r\r\n"), "http: chunk data not followed by a line end");
}

TEST(HttpResponseParser, TransferEncodingOverridesContentLength) {
  const Outcome out =
      run_whole("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.state, HttpParseState::complete);
  EXPECT_EQ(out.response.content_length, 100u);  // recorded as sent
  EXPECT_EQ(out.response.body, "ok");
}

TEST(HttpResponseParser, OtherTransferCodingsReadUntilClose) {
  // Chunked only when it is the last coding; "identity" (obsolete) is no coding.
  const Outcome gzip = run_whole("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n2\r\nxx", true);
  ASSERT_TRUE(gzip.ok) << gzip.error;
  EXPECT_EQ(gzip.response.body, "2\r\nxx");
  const Outcome layered =
      run_whole("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: Chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n");
  ASSERT_TRUE(layered.ok) << layered.error;
  EXPECT_EQ(layered.state, HttpParseState::complete);
  EXPECT_EQ(layered.response.body, "x");
  const Outcome identity = run_whole("HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\nContent-Length: 2\r\n\r\nab");
  ASSERT_TRUE(identity.ok) << identity.error;
  EXPECT_EQ(identity.state, HttpParseState::complete);
  EXPECT_EQ(identity.response.body, "ab");
}

TEST(HttpResponseParser, NoBodyFor204And304AndHead) {
  for (std::string_view status : {"204 No Content", "304 Not Modified"}) {
    const Outcome out = run_whole("HTTP/1.1 " + std::string(status) + "\r\nContent-Length: 50\r\n\r\n");
    ASSERT_TRUE(out.ok) << out.error;
    EXPECT_EQ(out.state, HttpParseState::complete) << status;
    EXPECT_TRUE(out.response.body.empty());
  }
  const Outcome head =
      run_whole("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", false, request(/*head=*/true));
  EXPECT_EQ(head.state, HttpParseState::complete);
}

TEST(HttpResponseParser, InterimResponsesAreSkipped) {
  const std::string input =
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  const Outcome out = run_whole(input);
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.state, HttpParseState::complete);
  EXPECT_EQ(out.response.status, 200);
  ASSERT_EQ(out.response.headers.size(), 1u);
  EXPECT_EQ(out.response.body, "ok");
  expect_split_independent(input, false);
}

TEST(HttpResponseParser, SwitchingProtocolsCompletesWithoutBody) {
  const Outcome out = run_whole("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello");
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.state, HttpParseState::complete);
  EXPECT_TRUE(out.response.body.empty());
}

TEST(HttpResponseParser, ErrorsAreSticky) {
  HttpResponseParser parser(request());
  const auto first = parser.feed(bytes_of("FTP 220 hello\r\n"));
  ASSERT_FALSE(first);
  const auto again = parser.feed(bytes_of("HTTP/1.1 200 OK\r\n\r\n"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, first.error().message);
  ASSERT_FALSE(parser.finish());
  EXPECT_EQ(parser.finish().error().message, first.error().message);
}

TEST(HttpResponseParser, BytesAfterCompletionAreIgnored) {
  HttpResponseParser parser(request());
  EXPECT_EQ(parser.feed(bytes_of("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nab")).value(), HttpParseState::complete);
  EXPECT_EQ(parser.feed(bytes_of("HTTP/1.1 500 Oops\r\n")).value(), HttpParseState::complete);
  EXPECT_EQ(parser.finish().value(), HttpParseState::complete);
  EXPECT_EQ(parser.response().status, 200);
  EXPECT_EQ(parser.response().body, "a");
}

TEST(HttpResponseParser, ConnectionClosedEarly) {
  EXPECT_EQ(error_of("", true), "http: connection closed before any response");
  EXPECT_EQ(error_of("HTTP/1.1 200", true), "http: connection closed before the end of the headers");
  EXPECT_EQ(error_of("HTTP/1.1 200 OK\r\nServer: x\r\n", true),
            "http: connection closed before the end of the headers");
  EXPECT_EQ(error_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", true),
            "http: connection closed inside the chunked body");
  // The last chunk arrived; only the end of the (empty) trailer section is missing.
  const Outcome trailers = run_whole("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n", true);
  ASSERT_TRUE(trailers.ok) << trailers.error;
  EXPECT_EQ(trailers.response.body, "ab");
}

TEST(HttpResponseParser, ClosedMidBodyKeepsWhatArrived) {
  HttpResponseParser parser(request());
  ASSERT_TRUE(parser.feed(bytes_of("HTTP/1.1 200 OK\r\nServer: s\r\nContent-Length: 50\r\n\r\n<title>t</title>")));
  const auto r = parser.finish();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "http: connection closed after 16 of 50 body bytes");
  EXPECT_EQ(parser.response().server(), "s");
  EXPECT_EQ(parser.response().body, "<title>t</title>");
  EXPECT_EQ(parser.response().title, "t");
  EXPECT_EQ(parser.response().body_sha256.size(), 64u);
}

// --- Limits ----------------------------------------------------------------

TEST(HttpResponseParser, StatusLineLimit) {
  HttpLimits limits;
  limits.max_status_line = 64;
  const std::string at_limit = "HTTP/1.1 200 " + std::string(64 - 13, 'r');
  const Outcome ok = run_whole(at_limit + "\r\nContent-Length: 0\r\n\r\n", false, request(), limits);
  ASSERT_TRUE(ok.ok) << ok.error;
  EXPECT_EQ(ok.response.reason.size(), 51u);
  for (std::string_view end : {"r\r\n", "r\n", "rrrrrrrrrrrrrrrrrrrrrrrrrrrr"}) {
    const std::string error = error_of(at_limit + std::string(end), false, limits);
    EXPECT_EQ(error, "http: status line longer than 64 bytes (HttpLimits::max_status_line)") << end;
  }
}

TEST(HttpResponseParser, HeaderLineLimit) {
  const std::string head = "HTTP/1.1 200 OK\r\n";
  const std::string at_limit = "X: " + std::string(8 * 1024 - 3, 'v');
  const Outcome ok = run_whole(head + at_limit + "\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(ok.ok) << ok.error;
  EXPECT_EQ(error_of(head + at_limit + "v\r\n"),
            "http: header line longer than 8192 bytes (HttpLimits::max_header_line)");
  // A line that never ends fails as soon as it passes the limit.
  HttpResponseParser parser(request());
  ASSERT_TRUE(parser.feed(bytes_of(head)));
  const std::string block(4096, 'a');
  int fed = 0;
  Result<HttpParseState> r = HttpParseState::need_more;
  while (r && fed < 256) {
    r = parser.feed(bytes_of(block));
    ++fed;
  }
  ASSERT_FALSE(r);
  EXPECT_EQ(fed, 3);
}

TEST(HttpResponseParser, HeaderBytesLimit) {
  HttpLimits limits;
  limits.max_header_count = 10000;
  std::string input = "HTTP/1.1 200 OK\r\n";
  while (input.size() < 70 * 1024) input += "X-Filler: " + std::string(100, 'f') + "\r\n";
  EXPECT_EQ(error_of(input, false, limits),
            "http: response headers longer than 65536 bytes (HttpLimits::max_header_bytes)");
  // Interim responses count toward the same total.
  HttpLimits small;
  small.max_header_bytes = 100;
  std::string interim;
  for (int i = 0; i < 10; ++i) interim += "HTTP/1.1 100 Continue\r\n\r\n";
  EXPECT_TRUE(contains(error_of(interim, false, small), "max_header_bytes"));
}

TEST(HttpResponseParser, HeaderCountLimit) {
  std::string input = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < 99; ++i) input += "X-" + std::to_string(i) + ": v\r\n";
  const Outcome ok = run_whole(input + "Content-Length: 0\r\n\r\n");
  ASSERT_TRUE(ok.ok) << ok.error;
  EXPECT_EQ(ok.response.headers.size(), 100u);
  EXPECT_EQ(error_of(input + "X-100: v\r\nX-101: v\r\n\r\n"),
            "http: more than 100 header fields (HttpLimits::max_header_count)");
}

TEST(HttpResponseParser, ChunkSizeLineLimit) {
  const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string ext = "1;" + std::string(1022, 'e');
  const Outcome ok = run_whole(head + ext + "\r\nx\r\n0\r\n\r\n");
  ASSERT_TRUE(ok.ok) << ok.error;
  EXPECT_EQ(ok.response.body, "x");
  EXPECT_EQ(error_of(head + ext + "e\r\n"),
            "http: chunk-size line longer than 1024 bytes (HttpLimits::max_chunk_size_line)");
}

TEST(HttpResponseParser, HugeContentLengthTruncatesAtTheBodyLimit) {
  HttpResponseParser parser(request());
  ASSERT_EQ(parser.feed(bytes_of("HTTP/1.1 200 OK\r\nContent-Length: 10000000000\r\n\r\n")).value(),
            HttpParseState::need_more);
  EXPECT_LE(parser.response().body.capacity(), 2 * HttpLimits{}.max_body_bytes);
  const std::string block(4096, 'b');
  Result<HttpParseState> r = HttpParseState::need_more;
  std::size_t fed = 0;
  while (r && *r == HttpParseState::need_more) {
    r = parser.feed(bytes_of(block));
    fed += block.size();
  }
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(fed, 64u * 1024);  // complete as soon as the limit is reached
  const HttpResponse& resp = parser.response();
  EXPECT_EQ(resp.content_length, 10000000000u);
  EXPECT_EQ(resp.body, std::string(64 * 1024, 'b'));
  EXPECT_TRUE(resp.body_truncated);
  const Outcome same = run_whole("HTTP/1.1 200 OK\r\nContent-Length: 65536\r\n\r\n" + std::string(64 * 1024, 'b'));
  EXPECT_EQ(resp.body_sha256, same.response.body_sha256);  // the hash covers the bytes kept
  EXPECT_FALSE(same.response.body_truncated);              // exactly the limit is not truncated
}

TEST(HttpResponseParser, ChunkedBodyTruncatesAtTheBodyLimit) {
  HttpLimits limits;
  limits.max_body_bytes = 10;
  const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  const Outcome huge = run_whole(head + "ffffffffffff\r\n0123456789", false, request(), limits);
  ASSERT_TRUE(huge.ok) << huge.error;
  EXPECT_EQ(huge.state, HttpParseState::complete);
  EXPECT_EQ(huge.response.body, "0123456789");
  EXPECT_TRUE(huge.response.body_truncated);
  const Outcome more = run_whole(head + "6\r\n012345\r\n4\r\n6789\r\n1\r\n", false, request(), limits);
  EXPECT_EQ(more.state, HttpParseState::complete);
  EXPECT_TRUE(more.response.body_truncated);
  const Outcome exact = run_whole(head + "6\r\n012345\r\n4\r\n6789\r\n0\r\n\r\n", false, request(), limits);
  EXPECT_EQ(exact.state, HttpParseState::complete);
  EXPECT_EQ(exact.response.body, "0123456789");
  EXPECT_FALSE(exact.response.body_truncated);
}

TEST(HttpResponseParser, BodyUntilCloseTruncatesAtTheBodyLimit) {
  HttpLimits limits;
  limits.max_body_bytes = 4;
  const std::string head = "HTTP/1.0 200 OK\r\n\r\n";
  const Outcome exact = run_whole(head + "abcd", true, request(), limits);
  ASSERT_TRUE(exact.ok) << exact.error;
  EXPECT_FALSE(exact.response.body_truncated);
  const Outcome over = run_whole(head + "abcde", false, request(), limits);
  EXPECT_EQ(over.state, HttpParseState::complete);
  EXPECT_EQ(over.response.body, "abcd");
  EXPECT_TRUE(over.response.body_truncated);
  limits.max_body_bytes = 0;
  const Outcome none = run_whole("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", false, request(), limits);
  EXPECT_EQ(none.state, HttpParseState::complete);
  EXPECT_TRUE(none.response.body_truncated);
  EXPECT_EQ(none.response.body_sha256, kEmptySha256);
}

TEST(HttpResponseParser, SlowlorisDripOfHeadersStopsAtTheLimit) {
  HttpResponseParser parser(request());
  const std::string status = "HTTP/1.1 200 OK\r\n";
  for (const char c : status) ASSERT_TRUE(parser.feed(bytes_of(std::string_view(&c, 1))));
  const std::string line = "X-Drip: " + std::string(1000, 'd') + "\r\n";
  std::size_t fed = status.size();
  Result<HttpParseState> r = HttpParseState::need_more;
  while (r && fed < 1024 * 1024) {
    r = parser.feed(bytes_of(std::string_view(&line[(fed - status.size()) % line.size()], 1)));
    ++fed;
  }
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "http: response headers longer than 65536 bytes (HttpLimits::max_header_bytes)");
  EXPECT_EQ(fed, 64u * 1024 + 1);
}

TEST(HttpResponseParser, NulAndNonUtf8BytesAreKeptRaw) {
  using namespace std::string_literals;
  const std::string body = "<title>caf\xe9 \xff\0x</title>\0\xfe"s;
  const std::string input = "HTTP/1.1 200 \xff\0OK\r\nServer: a\0b\xc3\r\nContent-Length: "s +
                            std::to_string(body.size()) + "\r\n\r\n" + body;
  const Outcome out = run_whole(input);
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.response.reason, "\xff\0OK"s);
  EXPECT_EQ(out.response.server(), "a\0b\xc3"s);
  EXPECT_EQ(out.response.body, body);
  EXPECT_EQ(out.response.title, "caf\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBDx");
  expect_split_independent(input, false);
}

TEST(HttpResponseParser, HostileInputsGiveTheSameResultWhateverTheSplit) {
  HttpLimits small;
  small.max_status_line = 32;
  small.max_header_line = 32;
  small.max_header_bytes = 128;
  small.max_header_count = 4;
  small.max_body_bytes = 16;
  small.max_chunk_size_line = 8;
  const std::string cases[] = {
      "HTTP/1.1 200 OK\r\nA: " + std::string(40, 'a') + "\r\n\r\n",
      "HTTP/1.1 200 OK\r\n" + std::string(200, 'h'),
      "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;aaaaaaaaaaaaaaaa\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n20\r\n" + std::string(40, 'x'),
      "HTTP/1.1 200 " + std::string(40, 'r') + "\r\n",
      "HTTP/1.1 200 OK\r\nX: " + std::string(28, 'x') + "\r\nY: " + std::string(28, 'y') +
          "\r\nZ: " + std::string(28, 'z') + "\r\nW: " + std::string(28, 'w') + "\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n" + std::string(99, 'q'),
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab",
      "HTTP/1.1 2x0 OK\r\n",
  };
  for (const auto& input : cases) {
    SCOPED_TRACE(input.substr(0, 60));
    expect_split_independent(input, false, request(), small);
    expect_split_independent(input, true, request(), small);
  }
}

// --- HttpResponse accessors --------------------------------------------------

namespace {

HttpResponse with_headers(std::vector<HttpHeader> headers) {
  HttpResponse r;
  r.headers = std::move(headers);
  return r;
}

}  // namespace

TEST(HttpResponse, WwwAuthenticateRealmVariants) {
  const std::pair<std::string, std::optional<std::string>> cases[] = {
      {"Basic realm=\"x\"", "x"},
      {"basic REALM=unquoted", "unquoted"},
      {"Basic realm=\"\"", ""},
      {"Basic realm=\"a\\\"b\\\\c\"", "a\"b\\c"},
      {"Digest nonce=\"a, realm=\\\"fake\\\"\", realm=\"real\", qop=\"auth\"", "real"},
      {"Negotiate, Basic realm=\"second\"", "second"},
      {"Bearer abc==, Basic realm = \"spaced\"", "spaced"},
      {"Negotiate", std::nullopt},
      {"", std::nullopt},
      {"Basic realm=\"unterminated", "unterminated"},
  };
  for (const auto& [value, realm] : cases)
    EXPECT_EQ(with_headers({{"WWW-Authenticate", value}}).www_authenticate_realm(), realm) << value;
  // The first header that has a realm.
  EXPECT_EQ(
      with_headers({{"WWW-Authenticate", "NTLM"}, {"www-authenticate", "Basic realm=\"r\""}}).www_authenticate_realm(),
      "r");
}

TEST(HttpResponse, SetCookieNamesNeverValues) {
  const HttpResponse r = with_headers({{"Set-Cookie", "SID=secret; Path=/; HttpOnly"},
                                       {"set-cookie", " lang = en "},
                                       {"Set-Cookie", "no-equals-sign; Path=/"},
                                       {"Set-Cookie", "=nameless"},
                                       {"Server", "x=y"}});
  EXPECT_EQ(r.set_cookie_names(), (std::vector<std::string>{"SID", "lang", ""}));
}
