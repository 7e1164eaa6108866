#include "GrabCommand.h"

#include <fmt/format.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

#include "CommandError.h"
#include "FileRecordSink.h"
#include "GrabFlags.h"
#include "GrabRunner.h"
#include "Interrupts.h"
#include "fumidai/core/SystemClock.h"
#include "fumidai/scanner/grab/TargetLineParser.h"
#include "fumidai/scanner/target/AddressListFile.h"

namespace fumidai::cli {
namespace {

struct GrabCommandOptions {
  GrabFlags grab;
  std::optional<std::string> blocklist_file;
  std::string output_file = "-";
  bool quiet = false;
  bool list_modules = false;
};

struct InputCounts {
  std::uint64_t lines = 0;
  std::uint64_t targets = 0;
  std::uint64_t skipped = 0;
  std::uint64_t bad = 0;
};

void take_line(std::string_view line, scanner::TargetRouter& router, InputCounts& counts, bool& open) {
  ++counts.lines;
  auto parsed = scanner::parse_target_line(line);
  if (!parsed) {
    if (++counts.bad <= kMaxReportedBadLines)
      std::fprintf(stderr, "fumidai grab: input line %llu: %s\n", static_cast<unsigned long long>(counts.lines),
                   parsed.error().message.c_str());
    return;
  }
  if (!*parsed) {
    ++counts.skipped;
    return;
  }
  ++counts.targets;
  open = router.push(**parsed);  // blocks while the engines are full; false once interrupted
}

// Reads stdin line by line into the router. A line is kept only up to one
// byte past the parser's limit, so an endless line costs no memory and is
// reported as too long.
void read_targets(std::istream& in, scanner::TargetRouter& router, InputCounts& counts) {
  std::streambuf* buffer = in.rdbuf();
  std::string line;
  bool open = true;
  for (int c = buffer->sbumpc(); open && c != std::char_traits<char>::eof(); c = buffer->sbumpc()) {
    if (c == '\n') {
      take_line(line, router, counts, open);
      line.clear();
    } else if (line.size() <= scanner::kMaxTargetLineBytes) {
      line.push_back(static_cast<char>(c));
    }
  }
  if (open && !line.empty()) take_line(line, router, counts, open);
  router.close();
}

int run(const GrabCommandOptions& o) {
  const auto fail = [](const Error& e) {
    std::fprintf(stderr, "fumidai grab: %s\n", e.message.c_str());
    return e.kind == Error::Kind::invalid_input ? 2 : 1;
  };
  auto setup = validate_grab_flags(o.grab);
  if (!setup) return fail(setup.error());
  if (o.list_modules) {
    for (const auto& name : setup->registry->names()) {
      const auto* module = setup->registry->find(name);
      std::printf("%s\t%s, protocol %s%s\n", name.c_str(), std::string(transport_name(module->transport())).c_str(),
                  std::string(module->protocol()).c_str(), module->tls() ? ", TLS first" : "");
    }
    return 0;
  }
  scanner::IntervalSet blocklist;
  if (o.blocklist_file) {
    auto loaded = scanner::load_address_list_file(*o.blocklist_file);
    if (!loaded) return fail(loaded.error());
    blocklist = std::move(*loaded);
  } else {
    blocklist = scanner::default_blocklist();
  }
  auto output = scanner::OutputFile::open(o.output_file);
  if (!output) return fail(output.error());

  const std::atomic<int>& interrupts = install_interrupt_counter();

  scanner::TargetRouter router(setup->threads, options_per_thread(*setup).max_pending);
  InputCounts counts;
  std::thread reader([&] { read_targets(std::cin, router, counts); });
  SystemClock clock;
  FileRecordSink sink(*output);
  auto summary = run_grab(*setup, blocklist, router, sink, clock, o.quiet, interrupts);
  router.close();
  // The reader may still be blocked reading stdin after an interrupt; it holds
  // nothing that needs cleaning up.
  if (interrupts.load() > 0)
    reader.detach();
  else
    reader.join();
  auto closed = output->close();
  if (!summary) return fail(summary.error());
  std::fprintf(stderr, "%s\n", summary->c_str());
  if (counts.bad > 0)
    std::fprintf(stderr, "fumidai grab: %llu input lines were not targets (first %zu shown above)\n",
                 static_cast<unsigned long long>(counts.bad), kMaxReportedBadLines);
  if (!closed) return fail(closed.error());
  return 0;
}

}  // namespace

void register_grab_command(CLI::App& root, int& exit_code) {
  auto options = std::make_shared<GrabCommandOptions>();
  CLI::App* cmd = root.add_subcommand(
      "grab", "Stage 2: grab services from targets on stdin (stage-1 JSONL, or IP:PORT / IP PORT lines)");
  add_grab_flags(*cmd, options->grab);
  cmd->add_option("-b,--blocklist-file", options->blocklist_file,
                  "Blocklist replacing the built-in IANA list (an empty file disables it)");
  cmd->add_option("-o,--output-file", options->output_file, "Service records, JSONL (- = standard output)")
      ->capture_default_str();
  cmd->add_flag("-q,--quiet", options->quiet, "No status lines");
  cmd->add_flag("--list-modules", options->list_modules, "Print the probe modules and exit");
  cmd->callback([options, &exit_code] { exit_code = run(*options); });
}

}  // namespace fumidai::cli
