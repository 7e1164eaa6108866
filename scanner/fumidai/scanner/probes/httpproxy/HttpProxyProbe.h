#pragma once
// Probe module "http-proxy": is this an open HTTP proxy? Never sends
// credentials, never follows an answer anywhere, and never names any
// destination but the canary (GrabOptions::canary).
// With a canary, two requests carrying this target's token, each on its own
// connection:
//   a. GET http://CANARY/fumidai-canary/TOKEN HTTP/1.1 (absolute form)
//   b. CONNECT CANARY HTTP/1.1, then, if a tunnel was granted, the same GET
//      in origin form through it.
// Without a canary, one request that names no destination at all, so that
// not even a transparent proxy has anywhere to relay it:
//   GET / HTTP/1.0 without a Host header.
// A forward proxy answers that itself (tinyproxy and Squid with an error page
// of their own, or 407), which shows what it is; an origin server serves its
// page. Each answer is recorded with its proxy traits (see ProxyTraits) and
// judged as HttpProxyVerdict says; the record's protocol is http-proxy when
// the target behaves as a proxy. An origin server's answer ends the grab in
// protocol-error (protocol http, data.verdict not-a-proxy), so that a port
// profile chain "PORT http-proxy,http" grabs web UIs with the http module.
#include "fumidai/scanner/grab/ProbeModule.h"

namespace fumidai::scanner {

class HttpProxyProbe final : public ProbeModule {
 public:
  std::string_view name() const override { return "http-proxy"; }
  std::string_view protocol() const override { return "http-proxy"; }
  boost::asio::awaitable<ProbeOutcome> run(ProbeSession& session) const override;
};

}  // namespace fumidai::scanner
