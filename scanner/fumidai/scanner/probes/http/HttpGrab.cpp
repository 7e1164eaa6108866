#include "fumidai/scanner/probes/http/HttpGrab.h"

#include <fmt/format.h>

#include <charconv>

#include "fumidai/scanner/probes/ProbeIo.h"
#include "fumidai/scanner/probes/http/AsciiText.h"
#include "fumidai/scanner/probes/http/FaviconHash.h"
#include "fumidai/scanner/probes/http/HttpResponseParser.h"
#include "fumidai/scanner/probes/http/Url.h"
#include "fumidai/scanner/probes/text/SafeText.h"
#include "fumidai/scanner/target/Ipv4.h"

namespace fumidai::scanner {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

struct UrlParts {
  std::string scheme;
  std::string host;
  std::uint16_t port = 0;
  std::string path;  // with query; at least "/"
};

// Splits an absolute http(s) URL as resolve_http_url() returns it (ASCII,
// no fragment). Nothing for anything else.
std::optional<UrlParts> split_url(std::string_view url) {
  UrlParts parts;
  const std::size_t colon = url.find("://");
  if (colon == std::string_view::npos) return std::nullopt;
  parts.scheme = url.substr(0, colon);
  if (parts.scheme != "http" && parts.scheme != "https") return std::nullopt;
  url.remove_prefix(colon + 3);
  const std::size_t slash = url.find_first_of("/?");
  std::string_view authority = url.substr(0, slash);
  parts.path = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  if (parts.path.front() != '/') parts.path.insert(0, "/");
  if (authority.find('@') != std::string_view::npos) return std::nullopt;  // userinfo: not ours
  parts.port = parts.scheme == "https" ? 443 : 80;
  if (const std::size_t c = authority.rfind(':'); c != std::string_view::npos) {
    const std::string_view port_text = authority.substr(c + 1);
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535)
      return std::nullopt;
    parts.port = static_cast<std::uint16_t>(port);
    authority = authority.substr(0, c);
  }
  parts.host = authority;
  return parts;
}

std::string host_header(const GrabTarget& target, bool tls) { return http_host(target.ip, target.port, tls); }

std::string request_for(std::string_view path, const GrabTarget& target, bool tls, const GrabOptions& options) {
  return http_request("GET", path, host_header(target, tls), options);
}

asio::awaitable<json::object> fetch_favicon(ProbeSession& session, const std::string& page_url,
                                            const HttpResponse& page) {
  const GrabTarget& target = session.target();
  json::object favicon;
  std::string url = page.favicon_url.value_or("");
  if (url.empty()) url = resolve_http_url(page_url, "/favicon.ico").value_or("");
  favicon["url"] = url;
  const auto parts = split_url(url);
  const bool same_target = parts && parts->host == format_ipv4(target.ip) && parts->port == target.port &&
                           (parts->scheme == "https") == session.tls_active();
  if (!same_target) {
    // Another host or port is another target: never contact it from here.
    favicon["fetched"] = false;
    co_return favicon;
  }
  favicon["fetched"] = true;
  const IoStatus connected = co_await session.reconnect();
  if (!connected.ok()) {
    favicon["error"] = connected.message;
    co_return favicon;
  }
  HttpLimits limits = session.options().http;
  limits.max_body_bytes = session.options().max_favicon_bytes;
  HttpResponseParser parser({url, false}, limits);
  const HttpExchange ex = co_await http_exchange(
      session, request_for(parts->path, target, session.tls_active(), session.options()), parser);
  const HttpResponse& r = parser.response();
  if (r.status != 0) favicon["status_code"] = r.status;
  if (!ex.complete) {
    favicon["error"] = ex.parse_error ? ex.parse_error->message : ex.io.message;
    co_return favicon;
  }
  if (r.status != 200 || r.body.empty() || r.body_truncated) {
    if (r.body_truncated) favicon["error"] = fmt::format("favicon over {} bytes", limits.max_body_bytes);
    co_return favicon;
  }
  const auto bytes = as_bytes(r.body);
  favicon["size"] = r.body.size();
  favicon["mmh3"] = shodan_favicon_hash(bytes);
  favicon["md5"] = favicon_md5(bytes);
  favicon["sha256"] = r.body_sha256;
  co_return favicon;
}

}  // namespace

std::string http_host(std::uint32_t ip, std::uint16_t port, bool tls) {
  const std::uint16_t default_port = tls ? 443 : 80;
  std::string host = format_ipv4(ip);
  if (port != default_port) host += fmt::format(":{}", port);
  return host;
}

std::string http_request(std::string_view method, std::string_view path, std::string_view host,
                         const GrabOptions& options, std::string_view extra) {
  return fmt::format(
      "{} {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: {}\r\nAccept: */*\r\nAccept-Encoding: identity\r\n"
      "{}Connection: close\r\n\r\n",
      method, path, host, options.user_agent, extra);
}

asio::awaitable<HttpExchange> http_exchange(ProbeSession& session, std::string_view request, HttpResponseParser& parser,
                                            HttpReadUntil until) {
  HttpExchange result;
  result.io = co_await session.write(request);
  if (!result.io.ok()) co_return result;
  // Bytes read at most: the header and body limits plus room for chunk
  // framing, so a parser that keeps asking cannot read forever.
  const HttpLimits& limits = parser.limits();
  const std::size_t budget = 2 * (limits.max_header_bytes + limits.max_body_bytes);
  std::size_t total = 0;
  result.io = co_await read_until(session, budget, total, [&](std::span<const std::uint8_t> bytes) {
    auto state = parser.feed(bytes);
    if (!state) {
      result.parse_error = state.error();
      return FeedVerdict::failed;
    }
    result.complete =
        *state == HttpParseState::complete || (until == HttpReadUntil::headers && parser.headers_complete());
    return result.complete ? FeedVerdict::done : FeedVerdict::more;
  });
  if (result.io.error == IoError::eof) {
    // The peer closed: that ends a body delimited by the close.
    auto state = parser.finish();
    if (!state)
      result.parse_error = state.error();
    else
      result.complete = *state == HttpParseState::complete;
    if (result.complete) result.io = {};
  }
  co_return result;
}

json::object describe_http_response(const HttpResponse& r) {
  json::object o;
  o["status_code"] = r.status;
  o["status_line"] = json_safe_text(fmt::format("{} {} {}", r.version, r.status, r.reason));
  json::object headers;
  for (const HttpHeader& h : r.headers) {
    std::string name = json_safe_text(h.name);
    for (char& c : name) c = http_text::to_lower(c);
    if (name == "set-cookie") continue;  // values are session secrets; names are below
    const std::string value = json_safe_text(h.value);
    if (auto* existing = headers.if_contains(name))
      existing->as_string().append(", ").append(value);
    else
      headers[name] = value;
  }
  o["headers"] = std::move(headers);
  if (auto server = r.server()) o["server"] = json_safe_text(*server);
  if (auto location = r.location()) o["location"] = json_safe_text(*location);
  if (auto realm = r.www_authenticate_realm()) o["www_authenticate_realm"] = json_safe_text(*realm);
  json::array cookies;
  for (const auto& name : r.set_cookie_names()) cookies.emplace_back(json_safe_text(name));
  o["set_cookie_names"] = std::move(cookies);
  if (r.title) o["title"] = *r.title;
  o["body"] = json_safe_text(r.body);
  o["body_length"] = r.body.size();
  o["body_truncated"] = r.body_truncated;
  if (!r.body_sha256.empty()) o["body_sha256"] = r.body_sha256;  // only once the response completed
  return o;
}

asio::awaitable<HttpPage> grab_http_page(ProbeSession& session, bool with_favicon) {
  const GrabTarget& target = session.target();
  const bool tls = session.tls_active();
  const std::string page_url = fmt::format("{}://{}/", tls ? "https" : "http", host_header(target, tls));
  HttpResponseParser parser({page_url, false}, session.options().http);
  const HttpExchange ex = co_await http_exchange(session, request_for("/", target, tls, session.options()), parser);

  HttpPage page;
  ProbeOutcome& outcome = page.outcome;
  if (ex.complete) {
    page.response = parser.take_response();
    outcome.data = describe_http_response(*page.response);
    if (with_favicon) outcome.data["favicon"] = co_await fetch_favicon(session, page_url, *page.response);
  } else {
    if (parser.response().status != 0) outcome.data = describe_http_response(parser.response());
    if (ex.parse_error) {
      outcome.status = GrabStatus::protocol_error;
      outcome.error = json_safe_text(ex.parse_error->message);
      outcome.data["first_bytes"] = json_safe_text(parser.first_bytes());
    } else {
      ProbeOutcome failed = outcome_from_io(ex.io, std::move(outcome.data));
      outcome = std::move(failed);
    }
  }
  co_return page;
}

asio::awaitable<ProbeOutcome> grab_http(ProbeSession& session) {
  HttpPage page = co_await grab_http_page(session, session.options().fetch_favicon);
  co_return std::move(page.outcome);
}

}  // namespace fumidai::scanner
