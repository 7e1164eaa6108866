#pragma once
// One HTTP grab over a connected session (plain or TLS): GET / with the
// scanner's User-Agent, the response recorded (status, headers, title, body
// up to the limit and its SHA-256), then the favicon fetched on a fresh
// connection: the page's <link rel=icon> if it points at the same address
// and port, else /favicon.ico. The favicon gets Shodan's mmh3 hash and a
// SHA-256. Never follows links or redirects to another host.
//
// The pieces are shared with the modules that speak HTTP on the way to
// something else (UPnP descriptions, CWMP, SSTP, SSL VPN portals).
// Contract: runs inside the engine's coroutine for this session.
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fumidai/core/Error.h"
#include "fumidai/scanner/grab/ProbeModule.h"
#include "fumidai/scanner/probes/http/HttpResponse.h"
#include "fumidai/scanner/probes/http/HttpResponseParser.h"

namespace fumidai::scanner {

// The Host header for the target's address on `port`: the port only when it
// is not the scheme's default. Never a name: the scanner knows none.
std::string http_host(std::uint32_t ip, std::uint16_t port, bool tls);

// A request with the scanner's headers and "Connection: close". `extra`
// holds further header lines, each ending in CRLF.
std::string http_request(std::string_view method, std::string_view path, std::string_view host,
                         const GrabOptions& options, std::string_view extra = {});

struct HttpExchange {
  IoStatus io;                       // ok once the parser is satisfied
  std::optional<Error> parse_error;  // the peer did not speak HTTP
  bool complete = false;             // the response (or its head, with until_headers) was read
};

enum class HttpReadUntil { complete, headers };

// Sends `request` over the session's current connection and reads the
// response into `parser`, at most twice the header and body limits. With
// HttpReadUntil::headers it stops once the head is in: for a response
// whose body never ends (SSTP's Content-Length of 2^64-1).
boost::asio::awaitable<HttpExchange> http_exchange(ProbeSession& session, std::string_view request,
                                                   HttpResponseParser& parser,
                                                   HttpReadUntil until = HttpReadUntil::complete);

// The record's fields for a response: status, headers (Set-Cookie values
// left out), server, location, realm, cookie names, title, body and hash.
boost::json::object describe_http_response(const HttpResponse& response);

struct HttpPage {
  ProbeOutcome outcome;                  // what grab_http records
  std::optional<HttpResponse> response;  // set when GET / completed
};

// GET / and, when `with_favicon`, the favicon.
boost::asio::awaitable<HttpPage> grab_http_page(ProbeSession& session, bool with_favicon);

// GET / and the favicon when options().fetch_favicon says so.
boost::asio::awaitable<ProbeOutcome> grab_http(ProbeSession& session);

}  // namespace fumidai::scanner
