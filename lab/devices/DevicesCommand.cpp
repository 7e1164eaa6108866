#include "DevicesCommand.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "DeviceConfig.h"
#include "DeviceServer.h"
#include "fumidai/core/SystemClock.h"

namespace fumidai::lab {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;
// Descriptors besides connections and listening sockets: stdio, epoll, eventfds, ...
constexpr rlim_t kSpareDescriptors = 64;

int report(const Error& error) {
  fmt::print(stderr, "fumidai lab devices: {}\n", error.message);
  return error.kind == Error::Kind::invalid_input ? kExitBadInput : kExitFailure;
}

// max_connections open at once need that many descriptors; raise the soft
// limit towards the hard one rather than fail with EMFILE under load.
Result<> ensure_descriptors(const DeviceConfig& config) {
  const rlim_t needed =
      config.limits().max_connections + config.listen_count() * config.limits().threads + kSpareDescriptors;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return make_error(fmt::format("getrlimit: {}", std::strerror(errno)));
  if (limit.rlim_cur >= needed) return {};
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed) {
    return make_input_error(fmt::format("max_connections {} needs {} file descriptors; the hard limit is {}",
                                        config.limits().max_connections, needed, limit.rlim_max));
  }
  limit.rlim_cur = needed;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) return make_error(fmt::format("setrlimit: {}", std::strerror(errno)));
  return {};
}

int run_devices(const std::string& config_path, bool print_services) {
  auto config = DeviceConfig::load(config_path);
  if (!config) return report(config.error());
  if (print_services) {
    fmt::print("{}", config->services_csv());
    return kExitOk;
  }
  if (auto ok = ensure_descriptors(*config); !ok) return report(ok.error());

  // Blocked before any thread starts, so every thread inherits the mask and
  // sigwait below is the only place the signals arrive.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  if (pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr) != 0) {
    return report(make_error("cannot block SIGTERM/SIGINT"));
  }

  SystemClock clock;
  auto server = DeviceServer::open(*config, clock);
  if (!server) return report(server.error());
  (*server)->start();
  fmt::print(stderr, "fumidai lab devices: {} personas on {} listen entries, {} threads\n", config->personas().size(),
             config->listen_count(), config->limits().threads);
  std::fflush(stderr);
  int signal_number = 0;
  while (sigwait(&stop_signals, &signal_number) != 0) {
  }
  (*server)->stop();
  return kExitOk;
}

}  // namespace

void register_devices_command(CLI::App& lab, int& exit_code) {
  struct Options {
    std::string config;
    bool print_services = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* devices =
      lab.add_subcommand("devices", "Emulate home routers' web interfaces and hostile peers (foreground)");
  devices->add_option("--config", options->config, "Personas and limits (lab/devices.json)")->required();
  devices->add_flag("--print-services", options->print_services,
                    "Print ip,port,protocol,tls,service,expected_status,transport per listen entry and exit");
  devices->callback([options, &exit_code] { exit_code = run_devices(options->config, options->print_services); });
}

}  // namespace fumidai::lab
