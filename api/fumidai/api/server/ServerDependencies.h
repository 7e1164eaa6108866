#pragma once
// Everything ApiServer is built from, so `fumidai serve` (and the tests)
// wire it in one place.
// Contract: every reference outlives the server; the registry is complete
// (all register_*_routes done) before the server is made.
#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>

#include "fumidai/api/AccessControl.h"
#include "fumidai/api/HandlerContext.h"
#include "fumidai/api/RouteRegistry.h"
#include "fumidai/api/metrics/ServerMetrics.h"
#include "fumidai/api/server/ServerLimits.h"
#include "fumidai/api/server/TlsContext.h"
#include "fumidai/core/Clock.h"

namespace fumidai::api {

struct ServerDependencies {
  const RouteRegistry& routes;
  Authenticator& authenticator;
  RateLimiter& rate_limiter;
  AuditSink& audit;
  HandlerContext& context;  // what handlers get: in production a PoolHandlerContext
  Clock& clock;
  ServerMetrics& metrics;
  ServerLimits limits = {};
  std::shared_ptr<TlsContext> tls = {};  // null: plain HTTP
  std::size_t io_threads = 2;            // socket I/O only; never blocks
  std::size_t worker_threads = 8;        // handlers; about the database pool's size
  // One line per server-side failure (a handler that threw, a failed
  // stream, an accept error); null: standard error.
  std::function<void(std::string_view)> log = {};
};

}  // namespace fumidai::api
