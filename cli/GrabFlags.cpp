#include "GrabFlags.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "FingerprintSetup.h"
#include "fumidai/scanner/target/Ipv4.h"

namespace fumidai::cli {
namespace {

Result<std::chrono::nanoseconds> seconds(std::string_view flag, double value, double max) {
  if (!std::isfinite(value) || value <= 0 || value > max)
    return make_input_error(fmt::format("invalid {} '{}' (seconds, above 0 and at most {})", flag, value, max));
  return std::chrono::nanoseconds(static_cast<std::int64_t>(value * 1e9));
}

Result<std::size_t> bounded(std::string_view flag, std::size_t value, std::size_t min, std::size_t max) {
  if (value < min || value > max)
    return make_input_error(fmt::format("invalid {} '{}' ({}-{})", flag, value, min, max));
  return value;
}

// Where a proxy would not reach our canary but its own network or nothing:
// "this network", private, CGNAT, loopback, link-local, multicast, reserved.
// The lab's canary lives in 198.18.0.0/15, which is allowed.
bool never_a_canary(std::uint32_t ip) {
  struct Block {
    std::uint32_t first;
    int bits;
  };
  static constexpr Block kBlocks[] = {{0x00000000, 8},  {0x0a000000, 8},  {0x64400000, 10},
                                      {0x7f000000, 8},  {0xa9fe0000, 16}, {0xac100000, 12},
                                      {0xc0a80000, 16}, {0xe0000000, 4},  {0xf0000000, 4}};
  for (const Block& b : kBlocks)
    if ((ip & ~(0xffffffffu >> b.bits)) == b.first) return true;
  return false;
}

// --canary ADDR:PORT and --canary-key FILE: both or neither.
Result<std::optional<scanner::CanaryEndpoint>> canary_endpoint(const GrabFlags& f) {
  if (f.canary.empty() && f.canary_key.empty()) return std::optional<scanner::CanaryEndpoint>{};
  if (f.canary.empty() || f.canary_key.empty())
    return make_input_error("--canary and --canary-key go together (the key checks the canary's answers)");
  const std::size_t colon = f.canary.rfind(':');
  const auto ip = scanner::parse_ipv4(std::string_view(f.canary).substr(0, colon));
  unsigned port = 0;
  const std::string_view port_text =
      colon == std::string::npos ? std::string_view{} : std::string_view(f.canary).substr(colon + 1);
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (!ip || port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
      port > 65535)
    return make_input_error(
        fmt::format("invalid --canary '{}' (IPv4:PORT, an address literal, never a name)", f.canary));
  if (never_a_canary(*ip))
    return make_input_error(fmt::format(
        "invalid --canary '{}': a private, loopback or reserved address would point proxies at their own network",
        f.canary));
  auto key = scanner::CanaryKey::load(f.canary_key);
  if (!key) return key.error();
  return std::optional<scanner::CanaryEndpoint>(
      scanner::CanaryEndpoint{*ip, static_cast<std::uint16_t>(port), std::move(*key)});
}

}  // namespace

scanner::GrabOptions options_per_thread(const GrabSetup& setup) {
  scanner::GrabOptions o = setup.options;
  const std::size_t n = setup.threads;
  const auto share = [n](std::size_t total) { return std::max<std::size_t>(1, (total + n - 1) / n); };
  o.max_concurrent = share(o.max_concurrent);
  o.max_pending = share(o.max_pending);
  o.per_prefix24 = share(o.per_prefix24);
  o.connect_rate /= static_cast<double>(n);
  return o;
}

void add_grab_flags(CLI::App& c, GrabFlags& f) {
  c.add_option("--grab-threads", f.threads, "Grab engines, one event loop and thread each")->capture_default_str();
  c.add_option("--concurrency", f.concurrency, "Connections open at once")->capture_default_str();
  c.add_option("--connect-rate", f.connect_rate, "New connections per second (0 = unlimited)")->capture_default_str();
  c.add_option("--per-host", f.per_host, "Connections open at once to one address")->capture_default_str();
  c.add_option("--per-prefix", f.per_prefix, "Connections open at once to one /24")->capture_default_str();
  c.add_option("--max-pending", f.max_pending, "Targets held waiting for a slot (backpressure beyond)")
      ->capture_default_str();
  c.add_option("--connect-timeout", f.connect_timeout, "Seconds to establish a connection")->capture_default_str();
  c.add_option("--read-timeout", f.read_timeout, "Seconds of silence a read waits")->capture_default_str();
  c.add_option("--timeout", f.timeout, "Seconds for a whole grab, retries and favicon included")->capture_default_str();
  c.add_option("--retries", f.retries, "Connection attempts after one that timed out")->capture_default_str();
  c.add_option("--module", f.module, "Grab every port with this probe module (see --list-modules)");
  c.add_option("--profile", f.profile_file, "Port profile file (PORT MODULE lines) replacing the built-in one");
  c.add_option("--user-agent", f.user_agent, "HTTP User-Agent (default names fumidai and --contact-url)");
  c.add_option("--contact-url", f.contact_url, "URL in the default User-Agent where operators learn who scans")
      ->capture_default_str();
  c.add_option("--max-body", f.max_body, "HTTP body bytes kept and hashed")->capture_default_str();
  c.add_flag("--no-favicon", f.no_favicon, "Do not fetch favicons");
  c.add_flag("--no-rdns", f.no_rdns, "No reverse DNS (PTR) lookups");
  c.add_option("--resolvers", f.resolvers, "DNS servers for PTR lookups, IP[:PORT] (default: /etc/resolv.conf)")
      ->delimiter(',');
  c.add_option("--dns-concurrency", f.dns_concurrency, "PTR lookups in flight")->capture_default_str();
  c.add_option("--dns-timeout", f.dns_timeout, "Seconds per PTR query attempt")->capture_default_str();
  c.add_option("--canary", f.canary,
               "Our canary (fumidai canary), IPv4:PORT: the only destination proxy probes ask a proxy to reach; "
               "without it they only negotiate");
  c.add_option("--canary-key", f.canary_key, "The canary's key file, to check its proofs (with --canary)");
  c.add_option("--rules", f.rules_dir, "Fingerprint rules: every *.yaml below DIR, replacing the built-in ones");
  c.add_option("--recog", f.recog_dir, "Also fingerprint with Rapid7 Recog's XML files in DIR");
  c.add_flag("--no-fingerprints", f.no_fingerprints, "Write records without fingerprints and labels");
}

Result<GrabSetup> validate_grab_flags(const GrabFlags& f) {
  GrabSetup s;
  auto& o = s.options;
  auto threads = bounded("--grab-threads", f.threads, 1, 64);
  if (!threads) return threads.error();
  s.threads = *threads;
  auto concurrency = bounded("--concurrency", f.concurrency, 1, 1'000'000);
  if (!concurrency) return concurrency.error();
  o.max_concurrent = *concurrency;
  if (!std::isfinite(f.connect_rate) || f.connect_rate < 0 || f.connect_rate > 10'000'000)
    return make_input_error(fmt::format("invalid --connect-rate '{}' (0-10000000 per second)", f.connect_rate));
  o.connect_rate = f.connect_rate;
  auto per_host = bounded("--per-host", f.per_host, 1, 1'000'000);
  if (!per_host) return per_host.error();
  o.per_host = *per_host;
  auto per_prefix = bounded("--per-prefix", f.per_prefix, 1, 1'000'000);
  if (!per_prefix) return per_prefix.error();
  o.per_prefix24 = *per_prefix;
  auto pending = bounded("--max-pending", f.max_pending, 1, 10'000'000);
  if (!pending) return pending.error();
  o.max_pending = *pending;
  auto connect = seconds("--connect-timeout", f.connect_timeout, 600);
  if (!connect) return connect.error();
  o.connect_timeout = *connect;
  auto read = seconds("--read-timeout", f.read_timeout, 600);
  if (!read) return read.error();
  o.read_timeout = *read;
  auto total = seconds("--timeout", f.timeout, 3600);
  if (!total) return total.error();
  o.total_timeout = *total;
  if (f.retries > 10) return make_input_error(fmt::format("invalid --retries '{}' (0-10)", f.retries));
  o.connect_retries = f.retries;
  auto body = bounded("--max-body", f.max_body, 0, 64 * 1024 * 1024);
  if (!body) return body.error();
  o.http.max_body_bytes = *body;
  o.fetch_favicon = !f.no_favicon;
  auto canary = canary_endpoint(f);
  if (!canary) return canary.error();
  o.canary = std::move(*canary);
  if (f.contact_url.find_first_of("\r\n") != std::string::npos ||
      f.user_agent.find_first_of("\r\n") != std::string::npos)
    return make_input_error("--user-agent and --contact-url must be one line");
  o.user_agent = f.user_agent.empty()
                     ? fmt::format("Mozilla/5.0 (compatible; fumidai/{}; +{})", FUMIDAI_VERSION, f.contact_url)
                     : f.user_agent;

  auto registry = std::make_shared<scanner::ProbeRegistry>();
  scanner::register_builtin_probes(*registry);
  s.registry = registry;
  if (!f.module.empty()) {
    const scanner::ProbeModule* module = registry->find(f.module);
    if (module == nullptr)
      return make_input_error(
          fmt::format("unknown --module '{}' (one of: {})", f.module, fmt::join(registry->names(), ", ")));
    s.profile = std::make_shared<scanner::PortProfile>(scanner::PortProfile::single(*module));
  } else if (!f.profile_file.empty()) {
    auto profile = scanner::PortProfile::load_file(f.profile_file, *registry);
    if (!profile) return profile.error();
    s.profile = std::make_shared<scanner::PortProfile>(std::move(*profile));
  } else {
    s.profile = std::make_shared<scanner::PortProfile>(scanner::PortProfile::built_in(*registry));
  }

  s.rdns = !f.no_rdns;
  s.resolvers = f.resolvers;
  auto dns = bounded("--dns-concurrency", f.dns_concurrency, 1, 100'000);
  if (!dns) return dns.error();
  s.dns_concurrency = *dns;
  auto dns_timeout = seconds("--dns-timeout", f.dns_timeout, 60);
  if (!dns_timeout) return dns_timeout.error();
  s.dns_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*dns_timeout);

  if (f.no_fingerprints) {
    if (!f.rules_dir.empty() || !f.recog_dir.empty())
      return make_input_error("--no-fingerprints goes without --rules and --recog");
    return s;
  }
  FingerprintFiles files;
  files.rules_dir = f.rules_dir;
  files.recog_dir = f.recog_dir;
  auto fingerprints = load_fingerprint_setup(files);
  if (!fingerprints) return fingerprints.error();
  s.fingerprints = std::move(fingerprints->engine);
  return s;
}

}  // namespace fumidai::cli
