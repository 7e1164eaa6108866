#pragma once
// What in an HTTP response says "a forward proxy answered", as opposed to an
// origin server (a router's web UI). Decisive: 407 or Proxy-Authenticate,
// X-Squid-Error, and a Server header or error page naming forward-proxy
// software (squid, tinyproxy, MikroTik's HttpProxy, Privoxy, CCProxy, 3proxy,
// Polipo, WinGate). Recorded but not decisive: Via and X-Cache, which
// reverse proxies and CDNs in front of web servers add as well.
// Contract: pure functions of a parsed response.
#include <optional>
#include <string>
#include <vector>

#include "fumidai/scanner/probes/http/HttpResponse.h"

namespace fumidai::scanner {

struct ProxyTraits {
  bool auth_required = false;              // 407, or a Proxy-Authenticate challenge
  std::optional<std::string> auth_scheme;  // Proxy-Authenticate's first scheme, as sent
  std::optional<std::string> auth_realm;
  std::optional<std::string> via;
  std::optional<std::string> squid_error;  // X-Squid-Error
  std::optional<std::string> software;     // the forward proxy a Server header or the page names
  std::vector<std::string> hints;          // each trait found, e.g. "server: tinyproxy", "via"

  // Decisive for a forward proxy (Via and X-Cache alone are not).
  bool proxy() const { return auth_required || squid_error || software; }
};

ProxyTraits find_proxy_traits(const HttpResponse& response);

}  // namespace fumidai::scanner
