#include "ServeCommand.h"

#include <fmt/core.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "CampaignFlags.h"
#include "CommandError.h"
#include "DbFlags.h"
#include "fumidai/api/RouteRegistry.h"
#include "fumidai/api/audit/AuditLog.h"
#include "fumidai/api/auth/KeyAuthenticator.h"
#include "fumidai/api/auth/KeyRateLimiter.h"
#include "fumidai/api/auth/PooledKeyLookup.h"
#include "fumidai/api/cache/ResponseCache.h"
#include "fumidai/api/handlers/ApiRoutes.h"
#include "fumidai/api/metrics/ServerMetrics.h"
#include "fumidai/api/server/ApiServer.h"
#include "fumidai/api/server/PoolHandlerContext.h"
#include "fumidai/campaigns/CampaignService.h"
#include "fumidai/core/SystemClock.h"
#include "fumidai/db/ConnectionPool.h"
#include "fumidai/db/DatabaseLocation.h"
#include "fumidai/db/Migrator.h"

namespace fumidai::cli {
namespace {

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  std::optional<std::string> db;
  std::string tls_certificate;
  std::string tls_key;
  std::size_t io_threads = 2;
  std::size_t workers = 8;
  std::size_t pool_size = 8;
  std::int64_t pool_timeout_ms = 2000;
  double key_cache_seconds = 30;
  double response_cache_seconds = 5;
  api::ServerLimits limits;
  // The campaign service's flags, shared with `campaign` and `optouts`; the
  // links in letters point at the address served unless --public-url says.
  ServiceFlags service;
  bool public_url_given = false;
};

// "ADDR:PORT", "[v6]:PORT" or ":PORT" (all addresses).
Result<std::pair<std::string, std::uint16_t>> parse_serve_listen(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return make_input_error(fmt::format("--listen {}: expected ADDR:PORT", text));
  std::string address = text.substr(0, colon);
  const std::string port_text = text.substr(colon + 1);
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']')
    address = address.substr(1, address.size() - 2);
  if (address.empty()) address = "0.0.0.0";
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535)
    return make_input_error(fmt::format("--listen {}: the port must be 0..65535", text));
  return std::pair{address, static_cast<std::uint16_t>(port)};
}

int run_serve(const ServeOptions& o) {
  auto listen = parse_serve_listen(o.listen);
  if (!listen) return report_error("serve", listen.error());
  if (o.tls_certificate.empty() != o.tls_key.empty())
    return report_error("serve", make_input_error("--tls-cert and --tls-key go together"));
  std::shared_ptr<api::TlsContext> tls;
  if (!o.tls_certificate.empty()) {
    auto loaded = api::TlsContext::load(o.tls_certificate, o.tls_key);
    if (!loaded) return report_error("serve", loaded.error());
    tls = *loaded;
  }
  auto location = db::locate_database(o.db);
  if (!location) return report_error("serve", location.error());
  // Refuse to start on a schema this binary does not speak, before listening.
  if (auto session = db::open_current(location->conninfo); !session) return report_error("serve", session.error());

  SystemClock clock;
  auto config = service_config(o.service);
  if (!o.public_url_given) config.sender.public_url = fmt::format("{}://{}", tls ? "https" : "http", o.listen);
  auto campaign_service = campaigns::CampaignService::load(config, clock);
  if (!campaign_service) return report_error("serve", campaign_service.error());
  db::ConnectionPool pool(location->conninfo, o.pool_size, std::chrono::milliseconds(o.pool_timeout_ms));
  api::ServerMetrics metrics;
  metrics.set_pool_statistics([&pool] { return pool.statistics(); });
  api::KeyAuthenticator authenticator(
      api::pooled_key_lookup(pool), clock,
      {std::chrono::duration_cast<Nanos>(std::chrono::duration<double>(o.key_cache_seconds)), 10000});
  api::KeyRateLimiter rate_limiter(clock);
  auto audit = api::AuditLog::to_database(location->conninfo, {},
                                          [&metrics](std::uint64_t dropped) { metrics.audit_dropped(dropped); });
  api::PoolHandlerContext context(pool, clock);
  api::ResponseCache response_cache(
      clock, std::chrono::duration_cast<Nanos>(std::chrono::duration<double>(o.response_cache_seconds)), 64 << 20);
  api::RouteRegistry routes;
  api::register_api_routes(routes, metrics, response_cache, *campaign_service);

  api::ApiServer server({.routes = routes,
                         .authenticator = authenticator,
                         .rate_limiter = rate_limiter,
                         .audit = *audit,
                         .context = context,
                         .clock = clock,
                         .metrics = metrics,
                         .limits = o.limits,
                         .tls = tls,
                         .io_threads = o.io_threads,
                         .worker_threads = o.workers});
  if (auto bound = server.listen(listen->first, listen->second); !bound) return report_error("serve", bound.error());
  const bool v6 = listen->first.find(':') != std::string::npos;
  // Scripts wait for this line (and read the port from it when given 0).
  fmt::print(stderr, "fumidai serve: listening on {}://{}{}{}:{} ({} routes, database {})\n", tls ? "https" : "http",
             v6 ? "[" : "", listen->first, v6 ? "]" : "", server.port(), routes.routes().size(),
             db::redact_conninfo(location->conninfo));
  server.shutdown_on_signals();
  server.run();
  audit->stop();
  fmt::print(stderr, "fumidai serve: stopped ({} audit entries written, {} dropped)\n", audit->written(),
             audit->dropped());
  return 0;
}

}  // namespace

void register_serve_command(CLI::App& root, int& exit_code) {
  auto options = std::make_shared<ServeOptions>();
  auto* cmd = root.add_subcommand("serve", "Serve the REST API (/v1/..., /healthz, /readyz, /metrics) until SIGTERM");
  auto& o = *options;
  cmd->add_option("--listen", o.listen, "ADDR:PORT to listen on (port 0: any free port)")->capture_default_str();
  add_db_option(*cmd, o.db);
  cmd->add_option("--tls-cert", o.tls_certificate, "PEM certificate chain: serve HTTPS (with --tls-key)");
  cmd->add_option("--tls-key", o.tls_key, "PEM private key for --tls-cert");
  cmd->add_option("--io-threads", o.io_threads, "threads for socket I/O")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--workers", o.workers, "threads running handlers (they wait on the database)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--pool-size", o.pool_size, "most database connections")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--pool-timeout-ms", o.pool_timeout_ms, "how long a request waits for a connection (then 503)")
      ->check(CLI::Range(1, 600000))
      ->capture_default_str();
  cmd->add_option("--key-cache-ttl", o.key_cache_seconds,
                  "seconds an API key lookup is cached (a revoked key works at most this long)")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  cmd->add_option("--cache-ttl", o.response_cache_seconds,
                  "seconds a statistics answer is reused (they change when a scan is finalized; 0: never)")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  cmd->add_option("--max-connections", o.limits.max_connections, "open connections; beyond, closed at once")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  cmd->add_option("--header-limit", o.limits.header_bytes, "bytes of request line and headers (431 beyond)")
      ->check(CLI::Range(1024, 1 << 20))
      ->capture_default_str();
  cmd->add_option("--body-limit", o.limits.body_bytes, "bytes of request body (413 beyond)")
      ->check(CLI::Range(0, 64 << 20))
      ->capture_default_str();
  cmd->add_option("--open-rate", o.limits.open_rate_per_second,
                  "requests per second all callers without a key may make to routes that change state (0: no limit)")
      ->check(CLI::Range(0.0, 1e6))
      ->capture_default_str();
  cmd->add_option("--open-burst", o.limits.open_burst, "the burst those callers may make at once")
      ->check(CLI::Range(1.0, 1e6))
      ->capture_default_str();
  cmd->add_option("--open-client-rate", o.limits.open_client_rate_per_second,
                  "requests per second one caller without a key (an IPv4 address, an IPv6 /64) may make to "
                  "those routes (0: no limit per caller)")
      ->check(CLI::Range(0.0, 1e6))
      ->capture_default_str();
  cmd->add_option("--open-client-burst", o.limits.open_client_burst, "the burst one such caller may make at once")
      ->check(CLI::Range(1.0, 1e6))
      ->capture_default_str();
  cmd->add_option("--open-body-limit", o.limits.open_body_bytes, "bytes of request body on those routes (413 beyond)")
      ->check(CLI::Range(0, 1 << 20))
      ->capture_default_str();
  add_service_flags(*cmd, o.service);
  cmd->callback([options, cmd, &exit_code] {
    options->public_url_given = cmd->get_option("--public-url")->count() > 0;
    exit_code = run_serve(*options);
  });
}

}  // namespace fumidai::cli
