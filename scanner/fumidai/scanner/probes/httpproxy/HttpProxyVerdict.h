#pragma once
// The http-proxy probe's verdict from what its requests got back:
//   open           a request relayed to the canary came back with its proof
//   auth-required  407 or a Proxy-Authenticate challenge (never answered)
//   refused        a forward proxy answered and would not relay (403, 400, ...)
//   unproven       it behaves as a proxy, but nothing proved relaying: no
//                  canary was configured, or a tunnel was granted or the proxy
//                  answered 502/503/504 (it tried) without the proof coming back
//   not-a-proxy    no proxy traits: an origin server (or not HTTP at all)
// in that order of precedence over the requests (absolute-form GET, CONNECT,
// or the canary-less plain request).
// Contract: pure functions.
#include <span>
#include <string_view>

#include "fumidai/scanner/probes/httpproxy/ProxyTraits.h"

namespace fumidai::scanner {

enum class HttpProxyVerdict { open, auth_required, refused, unproven, not_a_proxy };

std::string_view to_string(HttpProxyVerdict verdict);

// One request's findings.
struct ProxyAnswer {
  int status = 0;  // 0: no complete HTTP response
  ProxyTraits traits;
  bool granted = false;  // CONNECT answered 2xx without a body: a tunnel
  bool proven = false;   // the canary's proof came back
};

// `relay_tested`: a canary was configured, so the proxy was asked to relay.
HttpProxyVerdict judge_http_proxy(std::span<const ProxyAnswer> answers, bool relay_tested);

}  // namespace fumidai::scanner
