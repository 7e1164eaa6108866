#pragma once
// What happens to a request between its last byte read and its response:
// target parse (400/414) -> route lookup (404, 405 with Allow) -> bearer key
// (401 with WWW-Authenticate, 403 for a role the route does not admit) ->
// rate limit (429 with Retry-After) -> query validation (400 naming every bad
// parameter) -> the handler. Errors are problem+json documents carrying the
// request id; a handler that throws becomes a logged 500, never a crash.
// finish() audits and counts the request once its response is written.
// HEAD runs the GET route (the session drops the body). An open route that
// changes state (any method but GET and HEAD) takes no key: a token bucket per
// client (its IPv4 address or IPv6 /64) and one shared by all bound how fast
// anybody may call them (429), and their bodies are held to
// ServerLimits::open_body_bytes (413).
// Contract: dispatch() runs on a worker thread (it may block on the key store
// and the handler on PostgreSQL); all methods are thread-safe. The
// dependencies outlive the dispatcher.
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "fumidai/api/AccessControl.h"
#include "fumidai/api/ApiResponse.h"
#include "fumidai/api/HandlerContext.h"
#include "fumidai/api/Principal.h"
#include "fumidai/api/RouteRegistry.h"
#include "fumidai/api/auth/BucketTable.h"
#include "fumidai/api/metrics/ServerMetrics.h"
#include "fumidai/api/server/ServerLimits.h"
#include "fumidai/core/Clock.h"
#include "fumidai/core/TokenBucket.h"

namespace fumidai::api {

// A request as read off the connection.
struct IncomingRequest {
  std::string method;
  std::string target;
  std::optional<std::string> authorization;  // the Authorization header, if sent
  std::string body;
  std::string content_type;             // the Content-Type header, if sent
  std::string remote;                   // peer address, for the audit log
  std::chrono::nanoseconds arrived{0};  // Clock::now() when it was read
};

// A response and what the audit log and metrics need to know about it.
struct DispatchOutcome {
  ApiResponse response;
  std::string route;  // the route's name, "" when none matched
  std::optional<Principal> principal;
  std::string request_id;
};

class RequestDispatcher {
 public:
  using Log = std::function<void(std::string_view)>;
  RequestDispatcher(const RouteRegistry& routes, Authenticator& authenticator, RateLimiter& rate_limiter,
                    AuditSink& audit, HandlerContext& context, Clock& clock, ServerMetrics& metrics,
                    const ServerLimits& limits, Log log);

  DispatchOutcome dispatch(const IncomingRequest& request);
  // A request refused before it reached a worker (worker queue full, header
  // or body too large, a malformed request): the problem document, with a
  // request id, for the same audit and metrics path.
  DispatchOutcome refuse(unsigned status, std::string title, std::string detail = {});
  // After the response's last byte was written (or the connection broke):
  // one audit entry and the request metrics. `bytes` counts body bytes sent.
  void finish(const IncomingRequest& request, const DispatchOutcome& outcome, std::uint64_t bytes);

  static std::string new_request_id();
  // Whose budget an open route's caller spends: its IPv4 address, or its
  // IPv6 /64 (one subscriber's LAN, whose other addresses cost nothing).
  static std::string client_key(std::string_view remote);

 private:
  DispatchOutcome run(const IncomingRequest& request, std::string request_id);
  // One request to the open routes from `remote`, from its own budget and
  // then the shared one: nullopt admits it, else the wait.
  std::optional<std::chrono::nanoseconds> admit_open(std::string_view remote);

  const RouteRegistry& routes_;
  Authenticator& authenticator_;
  RateLimiter& rate_limiter_;
  AuditSink& audit_;
  HandlerContext& context_;
  Clock& clock_;
  ServerMetrics& metrics_;
  const ServerLimits& limits_;
  Log log_;
  BucketTable<std::string> open_clients_;
  std::mutex open_mutex_;
  TokenBucket open_bucket_;  // under open_mutex_
};

}  // namespace fumidai::api
