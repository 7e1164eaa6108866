#include "LabPlan.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <fstream>
#include <string_view>
#include <utility>

#include "fumidai/scanner/target/Ipv4.h"
#include "fumidai/scanner/target/PortList.h"

namespace fumidai::lab {
namespace {

using scanner::format_ipv4;

// splitmix64 (Steele, Lea, Flood 2014): tiny, fully specified, and therefore
// identical on every platform, unlike the std distributions.
std::uint64_t next_random(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Uniform in [0, 1) from the top 53 bits: exact in a double.
double next_unit(std::uint64_t& state) { return static_cast<double>(next_random(state) >> 11) * 0x1.0p-53; }

struct Reserved {
  std::uint32_t network;
  unsigned length;
  std::string_view why;
};

// Blocks that would collide with the lab's own plumbing or are not unicast.
constexpr std::array<Reserved, 4> kReserved{{
    {0x00000000, 8, "0.0.0.0/8 is 'this network'"},
    {0x7f000000, 8, "127.0.0.0/8 is loopback"},
    {0xc0000200, 24, "192.0.2.0/24 is the lab link between the namespaces"},
    {0xe0000000, 3, "224.0.0.0/3 is multicast or reserved"},
}};

std::uint32_t mask_of(unsigned length) { return length == 0 ? 0 : ~std::uint32_t{0} << (32 - length); }

bool overlaps(std::uint32_t a, unsigned a_length, std::uint32_t b, unsigned b_length) {
  const std::uint32_t mask = mask_of(std::min(a_length, b_length));
  return (a & mask) == (b & mask);
}

struct Prefix {
  std::uint32_t network;
  unsigned length;
};

Result<Prefix> parse_prefix(std::string_view text) {
  // parse_target also takes ranges and single addresses and silently clears
  // host bits; the lab needs a real CIDR block for routes and nft rules.
  const auto slash = text.find('/');
  auto interval = scanner::parse_target(text);
  if (slash == std::string_view::npos || !interval) {
    return make_input_error(fmt::format("invalid --prefix '{}' (expected a CIDR block such as 198.18.0.0/16)", text));
  }
  const unsigned length = 32 - static_cast<unsigned>(std::countr_zero(interval->size()));
  if (auto base = scanner::parse_ipv4(text.substr(0, slash)); !base || *base != interval->first) {
    return make_input_error(fmt::format("invalid --prefix '{}': host bits set (did you mean {}/{}?)", text,
                                        format_ipv4(interval->first), length));
  }
  if (length < LabPlan::kWidestPrefixLength) {
    return make_input_error(
        fmt::format("--prefix '{}' is too wide: the lab takes at most a /{}", text, LabPlan::kWidestPrefixLength));
  }
  for (const auto& reserved : kReserved) {
    if (overlaps(interval->first, length, reserved.network, reserved.length)) {
      return make_input_error(fmt::format("--prefix '{}' cannot be used: {}", text, reserved.why));
    }
  }
  return Prefix{interval->first, length};
}

Result<double> parse_fraction(std::string_view flag, std::string_view text, bool zero_allowed) {
  double value = 0;
  const auto [next, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  // Written so that NaN fails too.
  const bool in_range = zero_allowed ? (value >= 0.0 && value <= 1.0) : (value > 0.0 && value <= 1.0);
  if (text.empty() || ec != std::errc{} || next != text.data() + text.size() || !in_range) {
    return make_input_error(
        fmt::format("invalid {} '{}' (expected a number in {}0, 1])", flag, text, zero_allowed ? "[" : "("));
  }
  return value;
}

}  // namespace

std::string LabPlan::Parameters::prefix_text() const {
  return fmt::format("{}/{}", format_ipv4(network), prefix_length);
}

std::string LabPlan::Parameters::ports_text() const { return fmt::format("{}", fmt::join(ports, ",")); }

Result<LabPlan::Parameters> LabPlan::parse(const Options& options) {
  Parameters parameters;
  auto prefix = parse_prefix(options.prefix);
  if (!prefix) return prefix.error();
  parameters.network = prefix->network;
  parameters.prefix_length = prefix->length;

  const std::string_view seed = options.seed;
  const auto [next, ec] = std::from_chars(seed.data(), seed.data() + seed.size(), parameters.seed);
  if (seed.empty() || ec != std::errc{} || next != seed.data() + seed.size()) {
    return make_input_error(fmt::format("invalid --seed '{}' (expected an integer 0 to 2^64-1)", seed));
  }

  auto density = parse_fraction("--density", options.density, false);
  if (!density) return density.error();
  parameters.density = *density;
  auto open_probability = parse_fraction("--open-prob", options.open_probability, true);
  if (!open_probability) return open_probability.error();
  parameters.open_probability = *open_probability;

  auto ports = scanner::parse_port_list(options.ports);
  if (!ports) return make_input_error(fmt::format("invalid --ports '{}': {}", options.ports, ports.error().message));
  if (ports->size() > kMaxPorts) {
    return make_input_error(
        fmt::format("--ports '{}' has {} ports; the lab takes at most {}", options.ports, ports->size(), kMaxPorts));
  }
  parameters.ports = std::move(*ports);
  return parameters;
}

Result<LabPlan> LabPlan::sample(const Parameters& parameters) {
  // One stream, consumed in address order: a density draw per address, then
  // per live host an open draw per port and, if none came up open, one more
  // draw to pick the port that is.
  std::uint64_t state = parameters.seed;
  const std::uint64_t size = std::uint64_t{1} << (32 - parameters.prefix_length);
  const std::size_t max_hosts = kMaxGroundTruthRows / parameters.ports.size();
  std::vector<Host> hosts;
  std::size_t open_count = 0;
  for (std::uint64_t offset = 0; offset < size; ++offset) {
    if (next_unit(state) >= parameters.density) continue;
    if (hosts.size() == max_hosts) {
      return make_input_error(fmt::format(
          "plan too large: more than {} ground-truth rows (--prefix {}, --density {}, {} ports); lower --density "
          "or use a narrower --prefix",
          kMaxGroundTruthRows, parameters.prefix_text(), parameters.density, parameters.ports.size()));
    }
    Host host{static_cast<std::uint32_t>(parameters.network + offset), {}};
    for (const std::uint16_t port : parameters.ports) {
      if (next_unit(state) < parameters.open_probability) host.open_ports.push_back(port);
    }
    if (host.open_ports.empty()) {
      host.open_ports.push_back(parameters.ports[next_random(state) % parameters.ports.size()]);
    }
    open_count += host.open_ports.size();
    hosts.push_back(std::move(host));
  }
  return LabPlan(parameters, std::move(hosts), open_count);
}

void LabPlan::write_ground_truth(std::ostream& out) const {
  out << "ip,port,state\n";
  for (const Host& host : live_hosts_) {
    const std::string ip = format_ipv4(host.address);
    auto open = host.open_ports.begin();
    for (const std::uint16_t port : parameters_.ports) {
      const bool is_open = open != host.open_ports.end() && *open == port;
      if (is_open) ++open;
      out << ip << ',' << port << (is_open ? ",open\n" : ",closed\n");
    }
  }
}

void LabPlan::write_nft_ruleset(std::ostream& out) const {
  const std::string prefix = parameters_.prefix_text();
  out << fmt::format(
      "# Generated by `fumidai lab plan --prefix {} --seed {} --density {} --open-prob {} --ports {}`;\n"
      "# regenerate rather than edit.\n"
      "# Inside {}: a live host answers a SYN to an open port with a SYN-ACK (from\n"
      "# the lab listener) and to any other port with a RST; other addresses stay silent.\n"
      "table ip fumidai_lab {{\n"
      "  set live {{\n"
      "    type ipv4_addr\n"
      "  }}\n"
      "  set open {{\n"
      "    type ipv4_addr . inet_service\n"
      "  }}\n"
      "  chain input {{\n"
      "    type filter hook input priority filter; policy accept;\n"
      "    iifname \"lo\" accept\n"
      "    ip daddr != {} accept\n"
      "    ip daddr != @live drop\n"
      "    tcp flags & (fin | syn | rst | ack) == syn ip daddr . tcp dport @open accept\n"
      "    tcp flags & (fin | syn | rst | ack) == syn reject with tcp reset\n"
      "    accept\n"
      "  }}\n"
      "}}\n",
      prefix, parameters_.seed, parameters_.density, parameters_.open_probability, parameters_.ports_text(), prefix,
      prefix);

  // One element per line keeps the file greppable; nft applies the whole
  // file as one transaction either way. An empty element list is a syntax
  // error, and with no live host there is nothing to add.
  if (live_hosts_.empty()) return;
  const char* separator = "";
  out << "add element ip fumidai_lab live {\n";
  for (const Host& host : live_hosts_) {
    out << std::exchange(separator, ",\n") << "  " << format_ipv4(host.address);
  }
  out << "\n}\nadd element ip fumidai_lab open {\n";
  separator = "";
  for (const Host& host : live_hosts_) {
    const std::string ip = format_ipv4(host.address);
    for (const std::uint16_t port : host.open_ports) {
      out << std::exchange(separator, ",\n") << "  " << ip << " . " << port;
    }
  }
  out << "\n}\n";
}

Result<> LabPlan::write_files(const std::filesystem::path& dir) const {
  const auto write = [&](const char* name, auto&& render) -> Result<> {
    const auto path = dir / name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (out) render(out);
    out.close();
    if (!out) return make_error(fmt::format("cannot write {}", path.string()));
    return {};
  };
  if (auto r = write("ground-truth.csv", [&](std::ostream& out) { write_ground_truth(out); }); !r) return r;
  return write("lab.nft", [&](std::ostream& out) { write_nft_ruleset(out); });
}

}  // namespace fumidai::lab
