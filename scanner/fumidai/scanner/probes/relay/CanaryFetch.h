#pragma once
// What both proxy probes share: the relay test they end with, a GET for the
// canary's token URL whose answer must carry the token's proof
// (CanaryKey::proves); its exchange is HttpGrab's http_exchange. Over a tunnel
// (SOCKS, CONNECT) the request is in origin form; to an HTTP proxy in
// absolute form, http://CANARY/fumidai-canary/TOKEN. Either way the only
// address named is the canary's, and nothing is followed: a redirect or any
// other answer is recorded, never acted on.
// Contract: coroutines run inside a probe's coroutine on the engine's thread.
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "fumidai/core/Error.h"
#include "fumidai/scanner/canary/CanaryEndpoint.h"
#include "fumidai/scanner/grab/ProbeSession.h"
#include "fumidai/scanner/probes/http/HttpGrab.h"
#include "fumidai/scanner/probes/http/HttpLimits.h"
#include "fumidai/scanner/probes/http/HttpResponseParser.h"

namespace fumidai::scanner {

enum class CanaryRequestForm { origin, absolute };

// Proxies' answers are error pages and the canary's few bytes: limits of
// their own, whatever --max-body says, so that a proof always fits.
HttpLimits proxy_response_limits();

std::string canary_request(const CanaryEndpoint& canary, std::string_view token, CanaryRequestForm form,
                           std::string_view user_agent);

// data.relay before the relay test: {"tested":true,"token","granted":false,
// "proven":false}; and without a canary: {"tested":false,"reason"}.
boost::json::object relay_record(const std::string& token);
boost::json::object relay_not_tested();

// The GET through an open tunnel, and its record: {"status_code", "proven"}
// plus "error" (and "first_bytes" when the answer was not HTTP) on failure.
boost::asio::awaitable<boost::json::object> fetch_canary_through_tunnel(ProbeSession& session,
                                                                        const CanaryEndpoint& canary,
                                                                        std::string_view token);

}  // namespace fumidai::scanner
