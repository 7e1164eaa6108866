#include "CanaryCommand.h"

#include <fmt/format.h>
#include <signal.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

#include "fumidai/core/SystemClock.h"
#include "fumidai/scanner/canary/CanaryServer.h"
#include "fumidai/scanner/target/Ipv4.h"

namespace fumidai::cli {
namespace {

namespace asio = boost::asio;

struct CanaryCommandOptions {
  std::string listen;
  std::string key_file;
  std::string log_file;
  std::string make_key;
  std::size_t max_connections = 1024;
  std::size_t max_head_bytes = 4096;
  double idle_timeout = 10;
  double lifetime = 30;
};

Result<asio::ip::tcp::endpoint> parse_listen(const std::string& text) {
  const std::size_t colon = text.rfind(':');
  const auto ip = scanner::parse_ipv4(std::string_view(text).substr(0, colon));
  unsigned port = 0;
  const std::string_view port_text =
      colon == std::string::npos ? std::string_view{} : std::string_view(text).substr(colon + 1);
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (!ip || port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
      port > 65535)
    return make_input_error(fmt::format("invalid --listen '{}' (IPv4:PORT)", text));
  return asio::ip::tcp::endpoint(asio::ip::address_v4(*ip), static_cast<std::uint16_t>(port));
}

Result<std::chrono::nanoseconds> seconds(std::string_view flag, double value) {
  if (!std::isfinite(value) || value <= 0 || value > 3600)
    return make_input_error(fmt::format("invalid {} '{}' (seconds, above 0 and at most 3600)", flag, value));
  return std::chrono::nanoseconds(static_cast<std::int64_t>(value * 1e9));
}

Result<scanner::CanaryLimits> limits_from(const CanaryCommandOptions& o) {
  scanner::CanaryLimits limits;
  if (o.max_connections < 1 || o.max_connections > 100'000)
    return make_input_error(fmt::format("invalid --max-connections '{}' (1-100000)", o.max_connections));
  limits.max_connections = o.max_connections;
  if (o.max_head_bytes < 256 || o.max_head_bytes > 65536)
    return make_input_error(fmt::format("invalid --max-head-bytes '{}' (256-65536)", o.max_head_bytes));
  limits.max_head_bytes = o.max_head_bytes;
  auto idle = seconds("--idle-timeout", o.idle_timeout);
  if (!idle) return idle.error();
  limits.idle_timeout = *idle;
  auto lifetime = seconds("--lifetime", o.lifetime);
  if (!lifetime) return lifetime.error();
  limits.connection_lifetime = *lifetime;
  return limits;
}

int run(const CanaryCommandOptions& o) {
  const auto fail = [](const Error& e) {
    std::fprintf(stderr, "fumidai canary: %s\n", e.message.c_str());
    return e.kind == Error::Kind::invalid_input ? 2 : 1;
  };
  if (!o.make_key.empty()) {
    if (auto written = scanner::CanaryKey::write_new(o.make_key); !written) return fail(written.error());
    std::fprintf(stderr, "fumidai canary: wrote a new key to %s (mode 0600)\n", o.make_key.c_str());
    return 0;
  }
  if (o.listen.empty() || o.key_file.empty() || o.log_file.empty())
    return fail(make_input_error("--listen, --key-file and --log are required (or --make-key FILE)"));
  auto listen = parse_listen(o.listen);
  if (!listen) return fail(listen.error());
  auto limits = limits_from(o);
  if (!limits) return fail(limits.error());
  auto key = scanner::CanaryKey::load(o.key_file);
  if (!key) return fail(key.error());
  auto log = scanner::CanaryLog::open(o.log_file);
  if (!log) return fail(log.error());

  asio::io_context io(1);
  SystemClock clock;
  auto server = scanner::CanaryServer::open(io, clock, *limits, *listen, std::move(*key), *log);
  if (!server) return fail(server.error());
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (!ec) (*server)->stop();
  });
  (*server)->start();
  std::fprintf(stderr, "fumidai canary: listening on %s, logging to %s\n", o.listen.c_str(), o.log_file.c_str());
  io.run();

  const scanner::CanaryStats& stats = (*server)->stats();
  std::fprintf(stderr,
               "{\"accepted\":%llu,\"rejected\":%llu,\"valid\":%llu,\"bad\":%llu,\"incomplete\":%llu,"
               "\"log_errors\":%llu}\n",
               static_cast<unsigned long long>(stats.accepted), static_cast<unsigned long long>(stats.rejected),
               static_cast<unsigned long long>(stats.valid), static_cast<unsigned long long>(stats.bad),
               static_cast<unsigned long long>(stats.incomplete), static_cast<unsigned long long>(stats.log_errors));
  if (stats.log_errors > 0) return fail(make_error(stats.first_log_error));
  return 0;
}

}  // namespace

void register_canary_command(CLI::App& root, int& exit_code) {
  auto options = std::make_shared<CanaryCommandOptions>();
  CLI::App* cmd = root.add_subcommand(
      "canary",
      "The canary: answers GET /fumidai-canary/TOKEN with the token's HMAC proof and logs every request, so that "
      "`fumidai grab --canary` can prove a proxy relays. Every probed proxy is asked to connect to this address: "
      "run it only on infrastructure you control, at an address that is yours.");
  cmd->add_option("--listen", options->listen, "IPv4:PORT to listen on");
  cmd->add_option("--key-file", options->key_file, "The key (hex, at least 32 bytes, mode 0600); see --make-key");
  cmd->add_option("--log", options->log_file, "JSONL log of every request, appended to");
  cmd->add_option("--make-key", options->make_key, "Write a new random key to this file (mode 0600) and exit");
  cmd->add_option("--max-connections", options->max_connections, "Connections open at once; more are closed")
      ->capture_default_str();
  cmd->add_option("--max-head-bytes", options->max_head_bytes, "Request head size; longer is a bad request")
      ->capture_default_str();
  cmd->add_option("--idle-timeout", options->idle_timeout, "Seconds to wait for a complete request head")
      ->capture_default_str();
  cmd->add_option("--lifetime", options->lifetime, "Seconds a connection may last in all")->capture_default_str();
  cmd->callback([options, &exit_code] { exit_code = run(*options); });
}

}  // namespace fumidai::cli
