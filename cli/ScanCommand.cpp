#include "ScanCommand.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "DatabaseSink.h"
#include "FileRecordSink.h"
#include "GrabFlags.h"
#include "GrabRunner.h"
#include "Interrupts.h"
#include "TeeOutput.h"
#include "TeeRecordSink.h"
#include "fumidai/core/SystemClock.h"
#include "fumidai/db/DatabaseLocation.h"
#include "fumidai/db/OptoutStore.h"
#include "fumidai/db/Session.h"
#include "fumidai/db/UtcTime.h"
#include "fumidai/scanner/grab/OpenPortFeed.h"
#include "fumidai/scanner/output/OutputModule.h"
#include "fumidai/scanner/packet/SynProbeBuilder.h"
#include "fumidai/scanner/packet/UdpProbeBuilder.h"
#include "fumidai/scanner/scan/Scanner.h"
#include "fumidai/scanner/target/AddressListFile.h"
#include "fumidai/scanner/target/PortList.h"
#include "fumidai/scanner/udp/UdpPayloadProfile.h"

namespace fumidai::cli {
namespace {

using scanner::ScanConfig;

struct ScanOptions {
  std::vector<std::string> targets;
  std::string ports;
  std::string udp_ports;
  std::string udp_payload_file;
  bool list_udp_payloads = false;
  std::string rate = "10000";
  std::string bandwidth;
  std::string interface;
  std::string source_ip;
  std::string gateway_mac;
  std::string allowlist_file;
  std::optional<std::string> blocklist_file;
  std::optional<std::uint64_t> seed;
  std::uint32_t shards = 1;
  std::uint32_t shard = 0;
  std::string resume;
  std::uint32_t probes = 1;
  std::uint32_t threads = 1;
  double cooldown = 8;
  std::string output_file = "-";
  std::string output_format = "jsonl";
  std::string metadata_file;
  std::string source_ports = "32768-61000";
  bool quiet = false;
  bool report_closed = false;
  bool grab = false;
  GrabFlags grab_flags;
  // --db [URL]: the records also go to the database; an empty URL resolves as usual.
  std::vector<std::string> db_url;
  bool db = false;
  std::string scan_name;
};

Result<double> parse_non_negative(std::string_view flag, std::string_view text) {
  double value = 0;
  auto [next, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || next != text.data() + text.size() || !std::isfinite(value) || value < 0) {
    return make_input_error(fmt::format("invalid {} '{}' (expected a non-negative number)", flag, text));
  }
  return value;
}

// "10M", "1G", "500K" or plain bits per second.
Result<double> parse_bandwidth(std::string_view text) {
  double scale = 1;
  std::string_view digits = text;
  if (!digits.empty()) {
    switch (digits.back()) {
      case 'K':
      case 'k':
        scale = 1e3;
        break;
      case 'M':
      case 'm':
        scale = 1e6;
        break;
      case 'G':
      case 'g':
        scale = 1e9;
        break;
      default:
        break;
    }
    if (scale != 1) digits.remove_suffix(1);
  }
  auto value = parse_non_negative("bandwidth", digits);
  if (!value || *value == 0)
    return make_input_error(fmt::format("invalid bandwidth '{}' (expected e.g. 10M or 1G)", text));
  return *value * scale;
}

int report(const Error& e) {
  std::fprintf(stderr, "fumidai scan: %s\n", e.message.c_str());
  return e.kind == Error::Kind::invalid_input ? 2 : 1;
}

Result<scanner::UdpPayloadProfile> load_udp_payloads(const ScanOptions& o) {
  if (o.udp_payload_file.empty()) return scanner::UdpPayloadProfile::built_in();
  auto registry = std::make_shared<scanner::UdpPayloadRegistry>();
  scanner::register_builtin_udp_payloads(*registry);
  return scanner::UdpPayloadProfile::load_file(o.udp_payload_file, std::move(registry));
}

// --list-udp-payloads: "PORT<tab>PAYLOAD<tab>protocol P, N bytes", then "*".
int list_udp_payloads(const ScanOptions& o) {
  auto profile = load_udp_payloads(o);
  if (!profile) return report(profile.error());
  const auto line = [](const std::string& port, const scanner::UdpPayload& p) {
    std::printf("%s\t%s\tprotocol %s, %zu bytes\n", port.c_str(), std::string(p.name()).c_str(),
                std::string(p.protocol()).c_str(), p.max_size());
  };
  for (const auto& [port, payload] : profile->listed()) line(std::to_string(port), *payload);
  line("*", profile->fallback());
  return 0;
}

Result<ScanConfig> build_config(const ScanOptions& o) {
  ScanConfig c;
  std::vector<scanner::Ipv4Interval> targets;
  for (const auto& t : o.targets) {
    auto interval = scanner::parse_target(t);
    if (!interval) return interval.error();
    targets.push_back(*interval);
  }
  if (!o.allowlist_file.empty()) {
    auto allow = scanner::load_address_list_file(o.allowlist_file);
    if (!allow) return allow.error();
    targets.insert(targets.end(), allow->intervals().begin(), allow->intervals().end());
  }
  c.targets = scanner::IntervalSet::from(std::move(targets));
  if (c.targets.empty()) return make_input_error("no targets: give TARGET arguments or -w/--allowlist-file");
  if (o.blocklist_file) {
    auto block = scanner::load_address_list_file(*o.blocklist_file);
    if (!block) return block.error();
    c.blocklist = *block;
  } else {
    c.blocklist = scanner::default_blocklist();
  }
  if (o.ports.empty() && o.udp_ports.empty())
    return make_input_error("no ports: give -p/--target-ports (TCP) or --udp-ports, or both");
  if (!o.ports.empty()) {
    auto ports = scanner::parse_port_list(o.ports);
    if (!ports) return ports.error();
    c.ports = *ports;
  }
  if (!o.udp_ports.empty()) {
    auto ports = scanner::parse_port_list(o.udp_ports);
    if (!ports) return make_input_error(fmt::format("--udp-ports: {}", ports.error().message));
    c.udp_ports = *ports;
    auto payloads = load_udp_payloads(o);
    if (!payloads) return payloads.error();
    c.udp_payloads = std::make_shared<const scanner::UdpPayloadProfile>(std::move(*payloads));
  }

  if (!o.bandwidth.empty()) {
    auto bps = parse_bandwidth(o.bandwidth);
    if (!bps) return bps.error();
    // Bits on the wire per probe: frame + FCS, preamble and inter-frame gap (24 bytes), as ZMap counts;
    // averaged over the ports, since a UDP probe's size depends on its payload.
    double frame_bytes = static_cast<double>(c.ports.size()) * scanner::SynProbeBuilder::frame_size();
    for (auto port : c.udp_ports) {
      frame_bytes +=
          static_cast<double>(scanner::UdpProbeBuilder::kHeaderSize + c.udp_payloads->payload_for(port)->max_size());
    }
    frame_bytes /= static_cast<double>(c.ports.size() + c.udp_ports.size());
    c.rate_pps = *bps / ((frame_bytes + 24) * 8.0);
  } else {
    auto rate = parse_non_negative("rate", o.rate);
    if (!rate) return rate.error();
    c.rate_pps = *rate;
  }
  if (!o.interface.empty()) c.network.interface = o.interface;
  if (!o.source_ip.empty()) {
    auto ip = scanner::parse_ipv4(o.source_ip);
    if (!ip) return make_input_error(fmt::format("invalid source IP '{}'", o.source_ip));
    c.network.source_ip = *ip;
  }
  if (!o.gateway_mac.empty()) {
    auto mac = scanner::parse_mac(o.gateway_mac);
    if (!mac) return mac.error();
    c.network.gateway_mac = *mac;
  }
  if (o.shards == 0) return make_input_error("invalid --shards '0' (must be at least 1)");
  if (o.shard >= o.shards)
    return make_input_error(fmt::format("invalid --shard '{}' (must be below --shards {})", o.shard, o.shards));
  if (o.threads == 0 || o.threads > 64)
    return make_input_error(fmt::format("invalid --sender-threads '{}' (1-64)", o.threads));
  if (o.probes == 0 || o.probes > 16) return make_input_error(fmt::format("invalid --probes '{}' (1-16)", o.probes));
  if (!std::isfinite(o.cooldown) || o.cooldown < 0 || o.cooldown > 3600) {
    return make_input_error(fmt::format("invalid --cooldown-time '{}' (0-3600 seconds)", o.cooldown));
  }
  auto source_ports = scanner::parse_port_list(o.source_ports);
  if (!source_ports || source_ports->size() < o.probes ||
      source_ports->back() - source_ports->front() + 1u != source_ports->size()) {
    return make_input_error(fmt::format(
        "invalid --source-port '{}' (expected a range such as 32768-61000, at least --probes ports)", o.source_ports));
  }
  c.source_port_first = source_ports->front();
  c.source_port_last = source_ports->back();
  c.seed = o.seed;
  c.shards = o.shards;
  c.shard = o.shard;
  c.sender_threads = o.threads;
  c.probes = o.probes;
  c.cooldown_seconds = o.cooldown;
  if (!o.resume.empty()) c.resume_path = o.resume;
  if (!o.metadata_file.empty()) c.metadata_path = o.metadata_file;
  c.quiet = o.quiet;
  c.report_closed = o.report_closed;
  return c;
}

// A scan's address space as CIDRs for scans.targets (disappearance needs it),
// at most kMaxTargetCidrs of them; a larger allowlist is summarised only.
constexpr std::size_t kMaxTargetCidrs = 1'000'000;

std::vector<std::string> target_cidrs(const scanner::IntervalSet& targets) {
  std::vector<std::string> cidrs;
  for (const auto& interval : targets.intervals()) {
    std::uint64_t first = interval.first;
    const std::uint64_t last = interval.last;
    while (first <= last) {
      // The largest block aligned at `first` that ends within the interval.
      int length = 32;
      while (length > 0) {
        const std::uint64_t size = std::uint64_t{1} << (32 - (length - 1));
        if (first % size != 0 || first + size - 1 > last) break;
        --length;
      }
      if (cidrs.size() == kMaxTargetCidrs) return {};
      cidrs.push_back(fmt::format("{}/{}", scanner::format_ipv4(static_cast<std::uint32_t>(first)), length));
      first += std::uint64_t{1} << (32 - length);
    }
  }
  return cidrs;
}

// scans row for a `scan --db` run, from what is known before it starts; the
// summary fills in the rest at the end.
db::ScanMetadata scan_metadata(const ScanOptions& options, const ScanConfig& config, const Clock& clock,
                               std::string uid) {
  db::ScanMetadata m;
  m.uid = std::move(uid);
  m.started = std::chrono::time_point_cast<std::chrono::microseconds>(db::UtcMicros{} +
                                                                      std::chrono::nanoseconds(clock.wall_now_ns()));
  m.name = options.scan_name.empty() ? fmt::format("scan {}", db::format_utc_time(m.started)) : options.scan_name;
  m.ports.assign(config.ports.begin(), config.ports.end());
  m.udp_ports.assign(config.udp_ports.begin(), config.udp_ports.end());
  m.rate = std::llround(config.rate_pps);
  m.seed = config.seed;
  m.shard = config.shard;
  m.shards = config.shards;
  // What the scan covers: its targets less the blocklist. A blocklisted
  // address got no packet, so seeing nothing there says nothing.
  m.targets = target_cidrs(config.targets.minus(config.blocklist));
  m.target_summary = fmt::format("{} addresses ({}) x {} ports", config.targets.count(),
                                 fmt::join(options.targets, " "), m.ports.size() + m.udp_ports.size());
  m.tool_version = fmt::format("fumidai {}", FUMIDAI_VERSION);
  return m;
}

std::optional<std::string> db_url(const ScanOptions& options) {
  return options.db_url.empty() || options.db_url.front().empty() ? std::nullopt
                                                                  : std::optional(options.db_url.front());
}

// scan --db: networks whose opt-out was verified (db::OptoutStore) join the
// blocklist before the first packet, so they get none.
Result<> add_optouts_to_blocklist(const ScanOptions& options, ScanConfig& config) {
  auto location = db::locate_database(db_url(options));
  if (!location) return location.error();
  auto session = db::Session::open(location->conninfo);
  if (!session) return session.error();
  auto prefixes = db::OptoutStore(*session).verified_prefixes();
  if (!prefixes) return make_error(fmt::format("database: reading opt-outs: {}", prefixes.error().message));
  std::vector<scanner::Ipv4Interval> blocked(config.blocklist.intervals().begin(), config.blocklist.intervals().end());
  std::size_t added = 0;
  for (const auto& prefix : *prefixes) {
    if (prefix.find(':') != std::string::npos) continue;  // IPv6: the scanner sends IPv4 only
    auto interval = scanner::parse_target(prefix);
    if (!interval) return make_error(fmt::format("database: opt-out {:?}: {}", prefix, interval.error().message));
    blocked.push_back(*interval);
    ++added;
  }
  config.blocklist = scanner::IntervalSet::from(std::move(blocked));
  if (!options.quiet) std::fprintf(stderr, "fumidai scan: %zu opted-out networks added to the blocklist\n", added);
  return {};
}

Result<std::unique_ptr<DatabaseSink>> open_database(const ScanOptions& options, const ScanConfig& config,
                                                    Clock& clock) {
  auto uid = db::random_scan_uid();
  if (!uid) return uid.error();
  return DatabaseSink::open(db_url(options), scan_metadata(options, config, clock, std::move(*uid)), clock);
}

// Ends the database's part: the scan's summary (and stage 2's under "grab")
// become the row's; one report line on stderr. 0, or the exit code of its
// error, which says how to complete the scan from -o.
int finish_database(DatabaseSink& database, const ScanOptions& options, const std::string& scan_summary,
                    const std::string* grab_summary) {
  db::ScanMetadata final_metadata = database.metadata();
  boost::system::error_code ec;
  boost::json::value summary = boost::json::parse(scan_summary, ec);
  if (!ec && summary.is_object()) {
    if (grab_summary != nullptr) {
      boost::json::value grab = boost::json::parse(*grab_summary, ec);
      if (!ec) summary.get_object()["grab"] = std::move(grab);
    }
    if (auto applied = db::apply_scan_summary(summary.get_object(), final_metadata); !applied) {
      return report(applied.error());
    }
  }
  auto ingested = database.finish(final_metadata);
  const std::string uid = database.metadata().uid;
  if (!ingested) {
    const int code = report(make_error(fmt::format("database: {}", ingested.error().message)));
    std::fprintf(stderr,
                 "fumidai scan: scan %s is not finished in the database (%s); -o has every record: "
                 "`fumidai ingest %s --scan-id %s` completes it\n",
                 uid.c_str(), database.report().line().c_str(),
                 options.output_file == "-" ? "FILE" : options.output_file.c_str(), uid.c_str());
    return code;
  }
  std::fprintf(stderr, "fumidai scan: database scan %s: %s\n", uid.c_str(), ingested->line().c_str());
  return 0;
}

// scan --grab: stage 1 on its own threads feeds stage 2 on this one through
// a bounded queue; -o receives the service records.
int run_scan_and_grab(const ScanOptions& options, ScanConfig config) {
  auto setup = validate_grab_flags(options.grab_flags);
  if (!setup) return report(setup.error());
  if (options.output_format != "jsonl") return report(make_input_error("--grab writes JSONL; drop -O"));
  auto output = scanner::OutputFile::open(options.output_file);
  if (!output) return report(output.error());
  SystemClock clock;
  std::unique_ptr<DatabaseSink> database;
  if (options.db) {
    auto opened = open_database(options, config, clock);
    if (!opened) return report(opened.error());
    database = std::move(*opened);
  }
  FileRecordSink file_sink(*output);
  TeeRecordSink both({&file_sink, database.get()});
  RecordSink& sink = database ? static_cast<RecordSink&>(both) : file_sink;
  const std::atomic<int>& interrupts = install_interrupt_counter();

  scanner::TargetRouter router(setup->threads, options_per_thread(*setup).max_pending);
  config.hold_sending = [&router] { return router.above_high_water(); };
  const scanner::IntervalSet blocklist = config.blocklist;
  scanner::OpenPortFeed feed(router);
  scanner::Scanner scan(std::move(config), clock, feed, stderr);
  Result<std::string> scan_summary = make_error("not run");
  std::thread stage1([&] {
    scan_summary = scan.run(interrupts);
    (void)feed.finish();
  });
  auto grab_summary = run_grab(*setup, blocklist, router, sink, clock, options.quiet, interrupts);
  router.close();  // unblocks the receiver if stage 2 stopped early
  stage1.join();
  auto closed = output->close();
  if (!scan_summary) return report(scan_summary.error());
  std::fprintf(stderr, "%s\n", scan_summary->c_str());
  if (!grab_summary) return report(grab_summary.error());
  std::fprintf(stderr, "%s\n", grab_summary->c_str());
  if (database) {
    if (const int code = finish_database(*database, options, *scan_summary, &*grab_summary); code != 0) return code;
  }
  if (!closed) return report(closed.error());
  return 0;
}

int run_scan(const ScanOptions& options) {
  if (options.list_udp_payloads) return list_udp_payloads(options);
  auto config = build_config(options);
  if (!config) return report(config.error());
  if (options.db) {
    if (auto blocked = add_optouts_to_blocklist(options, *config); !blocked) return report(blocked.error());
  }
  if (options.grab) return run_scan_and_grab(options, std::move(*config));
  auto output = scanner::make_output_module(options.output_format, options.output_file);
  if (!output) return report(output.error());
  SystemClock clock;
  std::unique_ptr<DatabaseSink> database;
  if (options.db) {
    auto opened = open_database(options, *config, clock);
    if (!opened) return report(opened.error());
    database = std::move(*opened);
    *output = std::make_unique<TeeOutput>(std::move(*output), *database);
  }
  const std::atomic<int>& interrupts = install_interrupt_counter();

  const auto metadata_path = config->metadata_path;
  scanner::Scanner scan(std::move(*config), clock, **output, stderr);
  auto summary = scan.run(interrupts);
  auto finished = (*output)->finish();
  if (!summary) return report(summary.error());
  std::fprintf(stderr, "%s\n", summary->c_str());
  if (database) {
    if (const int code = finish_database(*database, options, *summary, nullptr); code != 0) return code;
  }
  if (metadata_path) {
    std::FILE* f = std::fopen(metadata_path->c_str(), "w");
    if (!f || std::fprintf(f, "%s\n", summary->c_str()) < 0 || std::fclose(f) != 0) {
      return report(make_error(fmt::format("cannot write metadata file '{}'", *metadata_path)));
    }
  }
  if (!finished) return report(finished.error());
  return 0;
}

}  // namespace

void register_scan_command(CLI::App& root, int& exit_code) {
  auto options = std::make_shared<ScanOptions>();
  CLI::App* cmd = root.add_subcommand(
      "scan", "Stage 1: stateless SYN and UDP scan of TARGETs (CIDR, address or range a.b.c.d-e.f.g.h)");
  cmd->add_option("targets", options->targets, "Targets: CIDR, address, or range a.b.c.d-e.f.g.h");
  cmd->add_option("-p,--target-ports", options->ports, "TCP ports, e.g. 80,443,8000-8100");
  cmd->add_option("--udp-ports", options->udp_ports,
                  "UDP ports, e.g. 53,500,1900; each probe carries its port's protocol payload");
  cmd->add_option("--udp-payload-file", options->udp_payload_file,
                  "Port → UDP payload map replacing the built-in one (format: default-udp-payloads.conf)");
  cmd->add_flag("--list-udp-payloads", options->list_udp_payloads, "Print the port → UDP payload map and exit");
  cmd->add_option("-r,--rate", options->rate, "Send rate in packets/s (0 = unlimited)")->capture_default_str();
  cmd->add_option("-B,--bandwidth", options->bandwidth, "Send rate as bandwidth, e.g. 10M or 1G (overrides --rate)");
  cmd->add_option("-i,--interface", options->interface, "Interface to send on (default: the route's)");
  cmd->add_option("-S,--source-ip", options->source_ip, "Source address (default: the route's)");
  cmd->add_option("-G,--gateway-mac", options->gateway_mac, "Gateway MAC (default: from the neighbour table)");
  cmd->add_option("-w,--allowlist-file", options->allowlist_file, "File of targets, one CIDR/address/range per line");
  cmd->add_option("-b,--blocklist-file", options->blocklist_file,
                  "Blocklist replacing the built-in IANA list (an empty file disables it)");
  cmd->add_option("--seed", options->seed, "Permutation seed (same seed + --shards: disjoint shards)");
  cmd->add_option("--shards", options->shards, "Total shards")->capture_default_str();
  cmd->add_option("--shard", options->shard, "This machine's shard (0-based)")->capture_default_str();
  cmd->add_option("--resume", options->resume, "Checkpoint file: created if absent, continued if present");
  cmd->add_option("-P,--probes", options->probes, "Probes per target")->capture_default_str();
  cmd->add_option("-T,--sender-threads", options->threads, "Sender threads")->capture_default_str();
  cmd->add_option("-c,--cooldown-time", options->cooldown, "Seconds to keep receiving after sending")
      ->capture_default_str();
  cmd->add_option("-o,--output-file", options->output_file, "Results file (- = standard output)")
      ->capture_default_str();
  cmd->add_option("-O,--output-format", options->output_format, "jsonl or csv")->capture_default_str();
  cmd->add_option("-m,--metadata-file", options->metadata_file, "Also write the JSON summary here");
  cmd->add_option("-s,--source-port", options->source_ports, "Source port range")->capture_default_str();
  cmd->add_flag("--report-closed", options->report_closed,
                "Also report closed ports (RST, ICMP port unreachable) and other ICMP unreachables");
  cmd->add_flag("-q,--quiet", options->quiet, "No status lines");
  cmd->add_flag("--grab", options->grab,
                "Grab every open port with stage 2 as it is found; -o then receives service records");
  add_grab_flags(*cmd, options->grab_flags);
  cmd->add_option("--db", options->db_url,
                  "Also write the records to PostgreSQL (stage 1's, or with --grab the service records), as one "
                  "scan; URL as for `fumidai db` (default: $FUMIDAI_DATABASE_URL, else the embedded cluster). Give "
                  "it as --db=URL or last, or it takes the next argument")
      ->expected(0, 1);
  cmd->add_option("--scan-name", options->scan_name, "With --db: the scan's name (default: \"scan\" and its start)");
  cmd->callback([options, cmd, &exit_code] {
    options->db = cmd->count("--db") > 0;
    exit_code = run_scan(*options);
  });
}

}  // namespace fumidai::cli
