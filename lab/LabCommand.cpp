#include "LabCommand.h"

#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "LabListener.h"
#include "LabPlan.h"
#include "devices/DevicesCommand.h"
#include "fumidai/scanner/target/Ipv4.h"
#include "fumidai/scanner/target/PortList.h"

extern char** environ;

namespace fumidai::lab {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;
// Namespace names are NAME-scan, NAME-inet and NAME-svc; keep NAME short and shell-safe.
constexpr std::size_t kMaxNamePrefix = 32;

int report(std::string_view subcommand, const Error& error) {
  fmt::print(stderr, "fumidai lab {}: {}\n", subcommand, error.message);
  return error.kind == Error::Kind::invalid_input ? kExitBadInput : kExitFailure;
}

// Which lab: the namespaces' name prefix and where its state lives.
struct LabName {
  std::string name_prefix = "fumidai";
  std::string state_dir;  // empty: /run/fumidai-lab/NAME
};

void add_name_options(CLI::App& command, LabName& name, bool with_state_dir) {
  command
      .add_option("--name-prefix", name.name_prefix, "Lab name; the namespaces are NAME-scan, NAME-inet and NAME-svc")
      ->capture_default_str();
  if (with_state_dir) {
    command.add_option("--state-dir", name.state_dir,
                       "Where the lab keeps pids and ground truth [/run/fumidai-lab/NAME]");
  }
}

Result<std::vector<std::string>> name_arguments(const LabName& name) {
  const std::string& n = name.name_prefix;
  const bool valid_chars = std::all_of(n.begin(), n.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
  if (n.empty() || n.size() > kMaxNamePrefix || n.front() == '-' || !valid_chars) {
    return make_input_error(
        fmt::format("invalid --name-prefix '{}' (1-{} of A-Z a-z 0-9 _ -, not starting with -)", n, kMaxNamePrefix));
  }
  std::error_code ec;
  // Absolute, so `down` from another directory finds what `up` wrote.
  const auto state_dir =
      std::filesystem::absolute(name.state_dir.empty() ? "/run/fumidai-lab/" + n : name.state_dir, ec);
  if (ec) return make_input_error(fmt::format("invalid --state-dir '{}': {}", name.state_dir, ec.message()));
  return std::vector<std::string>{"--name-prefix", n, "--state-dir", state_dir.string()};
}

// Runs lab/fumidai-lab.sh and returns its exit status. Like system(3), the
// caller ignores SIGINT/SIGQUIT meanwhile, so Ctrl-C reaches the script, whose
// trap tears a half-built lab down, and we report how it ended.
Result<int> run_script(const std::vector<std::string>& arguments) {
  const char* override_path = std::getenv("FUMIDAI_LAB_SCRIPT");
  const std::string script = override_path != nullptr && *override_path != '\0' ? override_path : FUMIDAI_LAB_SCRIPT;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return make_error(fmt::format("cannot resolve /proc/self/exe: {}", ec.message()));
  // The script runs `fumidai lab plan` and `fumidai lab listen` with this very binary.
  if (setenv("FUMIDAI_BIN", self.c_str(), 1) != 0) return make_error("cannot set FUMIDAI_BIN");

  std::vector<std::string> storage{"bash", script};
  storage.insert(storage.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);

  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  struct sigaction old_int {};
  struct sigaction old_quit {};
  sigaction(SIGINT, &ignore, &old_int);
  sigaction(SIGQUIT, &ignore, &old_quit);

  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGQUIT);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  const int spawn_error = posix_spawnp(&pid, "bash", nullptr, &attributes, argv.data(), environ);
  posix_spawnattr_destroy(&attributes);

  int status = 0;
  int wait_result = 0;
  if (spawn_error == 0) {
    while ((wait_result = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
    }
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGQUIT, &old_quit, nullptr);

  if (spawn_error != 0) return make_error(fmt::format("cannot run bash {}: {}", script, std::strerror(spawn_error)));
  if (wait_result < 0) return make_error(fmt::format("cannot wait for {}: {}", script, std::strerror(errno)));
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int run_script_command(std::string_view subcommand, const LabName& name, std::vector<std::string> extra) {
  auto arguments = name_arguments(name);
  if (!arguments) return report(subcommand, arguments.error());
  arguments->insert(arguments->begin(), std::string(subcommand));
  arguments->insert(arguments->end(), extra.begin(), extra.end());
  auto status = run_script(*arguments);
  if (!status) return report(subcommand, status.error());
  return *status;
}

// The services namespace (NAME-svc) and the /24 its daemons live in.
struct ServicesOptions {
  std::string enabled = "yes";
  std::string prefix = "198.19.0.0/24";
};

struct Block {
  std::uint32_t network;
  unsigned length;
  std::string_view why;
};

constexpr std::uint64_t kServicesPrefixSize = 256;
constexpr unsigned kServicesPrefixLength = 24;
constexpr Block kServicesLink{0xc6336400, 24, "198.51.100.0/24 is the lab link to the services namespace"};
// Blocks the services prefix must stay clear of: the lab's links, and what is
// not routable unicast.
constexpr std::array<Block, 5> kServicesReserved{{
    {0x00000000, 8, "0.0.0.0/8 is 'this network'"},
    {0x7f000000, 8, "127.0.0.0/8 is loopback"},
    {0xc0000200, 24, "192.0.2.0/24 is the lab link between the namespaces"},
    kServicesLink,
    {0xe0000000, 3, "224.0.0.0/3 is multicast or reserved"},
}};

bool blocks_overlap(std::uint32_t a, unsigned a_length, std::uint32_t b, unsigned b_length) {
  const unsigned length = std::min(a_length, b_length);
  const std::uint32_t mask = length == 0 ? 0 : ~std::uint32_t{0} << (32 - length);
  return (a & mask) == (b & mask);
}

void add_services_options(CLI::App& command, ServicesOptions& options) {
  command.add_option("--services", options.enabled, "Run real daemons in a third namespace, NAME-svc (yes|no)")
      ->capture_default_str();
  command.add_option("--services-prefix", options.prefix, "The /24 the services namespace's daemons live in")
      ->capture_default_str();
}

// Script arguments for the services namespace. The daemons sit at fixed host
// numbers of a /24, which must not collide with the lab prefix or links.
Result<std::vector<std::string>> services_arguments(const ServicesOptions& options, const LabPlan::Parameters& plan) {
  if (options.enabled == "no") return std::vector<std::string>{"--services", "no"};
  if (options.enabled != "yes") {
    return make_input_error(fmt::format("invalid --services '{}' (expected yes or no)", options.enabled));
  }
  if (blocks_overlap(plan.network, plan.prefix_length, kServicesLink.network, kServicesLink.length)) {
    return make_input_error(
        fmt::format("--prefix '{}' cannot be used with services: {}", plan.prefix_text(), kServicesLink.why));
  }
  const std::string& text = options.prefix;
  auto interval = scanner::parse_target(text);
  auto base = scanner::parse_ipv4(text.substr(0, text.find('/')));
  if (text.find('/') == std::string::npos || !interval || interval->size() != kServicesPrefixSize || !base ||
      *base != interval->first) {
    return make_input_error(
        fmt::format("invalid --services-prefix '{}' (expected a /24 CIDR block such as 198.19.0.0/24)", text));
  }
  for (const auto& reserved : kServicesReserved) {
    if (blocks_overlap(interval->first, kServicesPrefixLength, reserved.network, reserved.length)) {
      return make_input_error(fmt::format("--services-prefix '{}' cannot be used: {}", text, reserved.why));
    }
  }
  if (blocks_overlap(interval->first, kServicesPrefixLength, plan.network, plan.prefix_length)) {
    return make_input_error(fmt::format("--services-prefix '{}' overlaps the lab prefix {}", text, plan.prefix_text()));
  }
  const char* override_path = std::getenv("FUMIDAI_LAB_DEVICES_CONFIG");
  const std::string devices_config =
      override_path != nullptr && *override_path != '\0' ? override_path : FUMIDAI_LAB_DEVICES_CONFIG;
  return std::vector<std::string>{"--services", "yes", "--services-prefix", text, "--devices-config", devices_config};
}

void add_plan_options(CLI::App& command, LabPlan::Options& options) {
  command.add_option("--prefix", options.prefix, "CIDR block the inet namespace answers for (at most a /12)")
      ->capture_default_str();
  command.add_option("--seed", options.seed, "Seed of the live-host and open-port sample")->capture_default_str();
  command.add_option("--density", options.density, "Fraction of the prefix that is live, in (0, 1]")
      ->capture_default_str();
  command.add_option("--open-prob", options.open_probability, "Chance each lab port is open on a live host, in [0, 1]")
      ->capture_default_str();
  command.add_option("--ports", options.ports, "Lab ports: every live host answers on these")->capture_default_str();
}

// Validation and sampling together: a plan that is too large is bad input too
// (LabPlan reports it as such).
Result<LabPlan> make_plan(const LabPlan::Options& options) {
  auto parameters = LabPlan::parse(options);
  if (!parameters) return parameters.error();
  return LabPlan::sample(*parameters);
}

int run_plan(const LabPlan::Options& options, const std::string& out) {
  auto plan = make_plan(options);
  if (!plan) return report("plan", plan.error());
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) return report("plan", make_error(fmt::format("cannot create --out '{}': {}", out, ec.message())));
  if (auto written = plan->write_files(out); !written) return report("plan", written.error());
  // Shell-sourceable, so fumidai-lab.sh can record the counts in lab.env.
  fmt::print("LIVE_HOSTS={}\nOPEN_PORTS={}\n", plan->live_hosts().size(), plan->open_count());
  return kExitOk;
}

int run_listen(const std::string& ports_text) {
  auto ports = scanner::parse_port_list(ports_text);
  if (!ports) {
    return report("listen",
                  make_input_error(fmt::format("invalid --ports '{}': {}", ports_text, ports.error().message)));
  }
  if (ports->size() > LabPlan::kMaxPorts) {
    return report("listen", make_input_error(fmt::format("--ports '{}' has {} ports; the lab takes at most {}",
                                                         ports_text, ports->size(), LabPlan::kMaxPorts)));
  }
  auto listener = LabListener::open(*ports);
  if (!listener) return report("listen", listener.error());
  fmt::print(stderr, "fumidai lab listen: listening on 0.0.0.0 ports {}\n", ports_text);
  if (auto ran = listener->run(); !ran) return report("listen", ran.error());
  return kExitOk;
}

int run_up(const LabPlan::Options& options, const ServicesOptions& services, const LabName& name) {
  // Validate here so bad input fails with exit code 2 before any namespace exists.
  auto plan = make_plan(options);
  if (!plan) return report("up", plan.error());
  const auto& p = plan->parameters();
  auto services_args = services_arguments(services, p);
  if (!services_args) return report("up", services_args.error());
  std::vector<std::string> arguments{"--prefix",    p.prefix_text(),
                                     "--seed",      std::to_string(p.seed),
                                     "--density",   fmt::format("{}", p.density),
                                     "--open-prob", fmt::format("{}", p.open_probability),
                                     "--ports",     p.ports_text()};
  arguments.insert(arguments.end(), services_args->begin(), services_args->end());
  return run_script_command("up", name, std::move(arguments));
}

}  // namespace

void register_lab_command(CLI::App& root, int& exit_code) {
  CLI::App* lab = root.add_subcommand("lab", "Closed test network in network namespaces (needs root)");
  lab->require_subcommand(1);

  struct State {
    LabPlan::Options plan;
    ServicesOptions services;
    LabName name;
    std::string out;
    std::string listen_ports = LabPlan::Options{}.ports;
  };
  auto state = std::make_shared<State>();

  CLI::App* up = lab->add_subcommand(
      "up", "Create the lab namespaces, load the seeded ground truth, start the listener and services");
  add_plan_options(*up, state->plan);
  add_services_options(*up, state->services);
  add_name_options(*up, state->name, true);
  up->callback([state, &exit_code] { exit_code = run_up(state->plan, state->services, state->name); });

  CLI::App* down =
      lab->add_subcommand("down", "Stop the listener and services, delete the namespaces and the state dir");
  add_name_options(*down, state->name, true);
  down->callback([state, &exit_code] { exit_code = run_script_command("down", state->name, {}); });

  CLI::App* status = lab->add_subcommand("status", "Print the lab state as JSON; exit 0 if up, 3 if not");
  add_name_options(*status, state->name, true);
  status->callback([state, &exit_code] { exit_code = run_script_command("status", state->name, {}); });

  CLI::App* check = lab->add_subcommand("check", "Verify the scanner namespace can reach nothing but the lab");
  add_name_options(*check, state->name, false);
  check->callback([state, &exit_code] { exit_code = run_script_command("check", state->name, {}); });

  CLI::App* plan = lab->add_subcommand("plan", "Write ground-truth.csv and lab.nft for a seeded lab (internal)");
  add_plan_options(*plan, state->plan);
  plan->add_option("--out", state->out, "Directory for the two files")->required();
  plan->callback([state, &exit_code] { exit_code = run_plan(state->plan, state->out); });

  CLI::App* listen = lab->add_subcommand("listen", "Accept and close connections on the lab ports (internal)");
  listen->add_option("--ports", state->listen_ports, "Ports to listen on")->capture_default_str();
  listen->callback([state, &exit_code] { exit_code = run_listen(state->listen_ports); });

  register_devices_command(*lab, exit_code);
}

}  // namespace fumidai::lab
