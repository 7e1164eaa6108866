#pragma once
// One emulated device (or hostile peer) as configured: what it is, where it
// listens and how it answers. DeviceConfig builds these from the config file;
// PreparedPersona turns one into ready-to-send bytes.
// Contract: plain value type. Header names and values, banners and bodies are
// byte strings (std::string as bytes): they may hold NUL and non-UTF-8 bytes.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "CertificateSpec.h"

namespace fumidai::lab {

struct DevicePersona {
  enum class Behavior {
    http,             // pages by path, 404 for the rest, HTTP/1.1 keep-alive
    endless_headers,  // after the request: a status line, then header lines forever
    huge_body,        // after the request: Content-Length: body_bytes, then that many zeros
    drip,             // after the request: the "/" page, one byte per drip_interval
    tls_garbage,      // after the first bytes from the client: garbage instead of a ServerHello
    telnet_storm,     // at once: IAC DO / IAC WILL for every option, forever
    banner,           // at once: the banner bytes, then silence until the peer closes
    silent,           // accepts and never sends
    close,            // accepts and closes at once
  };

  using Headers = std::vector<std::pair<std::string, std::string>>;

  struct Page {
    std::string path;  // exact match against the request path without its query
    int status = 200;
    std::string reason;
    Headers headers;  // after the persona's headers
    std::string body;
  };

  struct Listen {
    std::string ip;  // dotted quad
    std::uint16_t port = 0;
    bool tls = false;  // a grabber should speak TLS here
  };

  std::string name;             // the service column of --print-services
  std::string protocol;         // what a grabber should report: http, telnet, ftp, ...
  std::string expected_status;  // ZGrab2 vocabulary: success, io-timeout, protocol-error, ...
  Behavior behavior = Behavior::http;
  std::vector<Listen> listen;
  Headers headers;  // first on every HTTP response of this persona (Server, ...)
  std::vector<Page> pages;
  std::optional<CertificateSpec> certificate;  // for listen entries with tls, unless the behavior never handshakes
  std::string banner;                          // Behavior::banner
  std::uint64_t body_bytes = 0;                // Behavior::huge_body
  std::chrono::milliseconds drip_interval{1000};

  // Whether this persona completes a TLS handshake on its tls listen entries
  // before behaving (the others never get that far).
  bool terminates_tls() const {
    return behavior != Behavior::tls_garbage && behavior != Behavior::silent && behavior != Behavior::close;
  }
  // Whether the behavior starts after reading an HTTP request head.
  bool reads_request() const {
    return behavior == Behavior::http || behavior == Behavior::endless_headers || behavior == Behavior::huge_body ||
           behavior == Behavior::drip;
  }
};

}  // namespace fumidai::lab
