#include "FingerprintCommand.h"

#include <fmt/format.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "CommandError.h"
#include "FingerprintSetup.h"
#include "fumidai/fingerprints/RecordFields.h"
#include "fumidai/fingerprints/ScanBatch.h"
#include "fumidai/scanner/output/OutputFile.h"

namespace fumidai::cli {
namespace {

namespace json = boost::json;
using fingerprints::MatchScratch;
using fingerprints::ScanBatch;

// A stored record is one line; stage 2 keeps at most 64 MiB of body, which
// JSON escaping can swell several times. Longer lines are bad lines.
constexpr std::size_t kMaxLineBytes = 512 * 1024 * 1024;

struct FingerprintCommandOptions {
  FingerprintFiles files;
  std::vector<std::string> inputs;
  std::string output_file = "-";
  bool skip_bad = false;
  bool stats = false;
  bool self_test = false;
};

// One input, readable twice (the batch's two passes). Standard input is
// copied to a temporary file first, removed when the command ends.
struct Input {
  std::string name;  // for messages
  std::string path;
};

class TemporaryFile {
 public:
  ~TemporaryFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }
  // Copies standard input into a new file under TMPDIR.
  Result<> take_stdin() {
    const char* dir = std::getenv("TMPDIR");
    std::string pattern = fmt::format("{}/fumidai-fingerprint-XXXXXX", dir != nullptr && *dir ? dir : "/tmp");
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0)
      return make_error(fmt::format("cannot create a temporary file for standard input: {}", std::strerror(errno)));
    path_ = pattern;
    std::FILE* out = ::fdopen(fd, "wb");
    if (out == nullptr) {
      ::close(fd);
      return make_error("cannot write a temporary file for standard input");
    }
    char buffer[64 * 1024];
    std::size_t n = 0;
    bool failed = false;
    while ((n = std::fread(buffer, 1, sizeof buffer, stdin)) > 0) failed |= std::fwrite(buffer, 1, n, out) != n;
    failed |= std::ferror(stdin) != 0;
    failed |= std::fclose(out) != 0;
    if (failed) return make_error("cannot copy standard input to a temporary file");
    return {};
  }

 private:
  std::string path_;
};

// Reads one line without its '\n', keeping at most kMaxLineBytes + 1 bytes of
// it (so a too-long line is seen as such and costs no more memory). False at
// the end of input.
bool read_line(std::streambuf& in, std::string& line) {
  line.clear();
  int c = in.sbumpc();
  if (c == std::char_traits<char>::eof()) return false;
  for (; c != std::char_traits<char>::eof() && c != '\n'; c = in.sbumpc())
    if (line.size() <= kMaxLineBytes) line.push_back(static_cast<char>(c));
  return true;
}

bool blank(std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; }

// A line as a record, or why it is not one.
Result<json::object> parse_record(std::string_view line) {
  if (line.size() > kMaxLineBytes) return make_input_error(fmt::format("longer than {} bytes", kMaxLineBytes));
  boost::system::error_code ec;
  json::value v = json::parse(line, ec);
  if (ec) return make_input_error(fmt::format("not JSON: {}", ec.message()));
  if (!v.is_object()) return make_input_error("not a service record: not a JSON object");
  if (!fingerprints::all_numbers_finite(v)) return make_input_error("a number beyond a double's range");
  if (auto head = fingerprints::read_record_head(v.get_object()); !head) return head.error();
  return std::move(v.get_object());
}

struct Counts {
  std::uint64_t records = 0;
  std::uint64_t bad = 0;
  std::uint64_t labelled = 0;
};

// Calls take(record) for every good line of every input, in order. A bad
// line ends the pass with an error naming it unless `skip_bad`, where it is
// reported (the first few) and counted when `report` is set.
template <class Take>
Result<> each_record(const std::vector<Input>& inputs, bool skip_bad, bool report, Counts& counts, Take&& take) {
  std::string line;
  for (const Input& input : inputs) {
    std::ifstream in(input.path, std::ios::binary);
    if (!in) return make_input_error(fmt::format("cannot read '{}': {}", input.name, std::strerror(errno)));
    std::uint64_t number = 0;
    while (read_line(*in.rdbuf(), line)) {
      ++number;
      if (blank(line)) continue;
      auto record = parse_record(line);
      if (!record) {
        const std::string where = fmt::format("{}:{}: {}", input.name, number, record.error().message);
        if (!skip_bad) return make_input_error(where);
        if (report && ++counts.bad <= kMaxReportedBadLines)
          std::fprintf(stderr, "fumidai fingerprint: skipped %s\n", where.c_str());
        continue;
      }
      if (auto taken = take(*record); !taken) return taken;
    }
    if (in.bad()) return make_error(fmt::format("reading '{}' failed", input.name));
  }
  return {};
}

// The output: standard output, or a temporary file next to -o renamed into
// place once everything is written, so a failed run leaves no partial file.
class Output {
 public:
  static Result<Output> open(const std::string& path) {
    if (path == "-") {
      auto file = scanner::OutputFile::open(path);
      if (!file) return file.error();
      return Output(std::move(*file), "", "");
    }
    // Next to the output, so the rename stays within one file system.
    std::string temporary = fmt::format("{}.tmp-{}", path, ::getpid());
    auto file = scanner::OutputFile::open(temporary);
    if (!file) return file.error();
    return Output(std::move(*file), path, temporary);
  }
  Output(Output&& other) noexcept
      : file_(std::move(other.file_)),
        path_(std::move(other.path_)),
        temporary_(std::exchange(other.temporary_, std::string())) {}
  ~Output() {
    if (!temporary_.empty()) ::unlink(temporary_.c_str());
  }
  scanner::OutputFile& file() { return file_; }
  Result<> commit() {
    auto closed = file_.close();
    if (!closed) return closed;
    if (temporary_.empty()) return {};
    std::error_code ec;
    std::filesystem::rename(temporary_, path_, ec);
    if (ec) return make_error(fmt::format("cannot rename the output into '{}': {}", path_, ec.message()));
    temporary_.clear();
    return {};
  }

 private:
  Output(scanner::OutputFile file, std::string path, std::string temporary)
      : file_(std::move(file)), path_(std::move(path)), temporary_(std::move(temporary)) {}
  scanner::OutputFile file_;
  std::string path_;
  std::string temporary_;
};

int fail(const Error& e) {
  std::fprintf(stderr, "fumidai fingerprint: %s\n", e.message.c_str());
  return e.kind == Error::Kind::invalid_input ? 2 : 1;
}

int run_self_test(const FingerprintCommandOptions& o) {
  if (!o.inputs.empty() || o.output_file != "-")
    return fail(make_input_error("--self-test reads no records and writes none"));
  auto setup = load_fingerprint_setup(o.files);
  if (!setup) return fail(setup.error());
  const auto& rules = *setup->rules;
  std::string categories;
  for (const auto& [category, count] : rules.count_by_category())
    categories += fmt::format("{}{} {}", categories.empty() ? "" : ", ", category, count);
  std::printf("rules: %zu (%s), %zu examples\n", rules.rule_count(), categories.c_str(), rules.example_count());
  std::printf("labels: %zu, %zu examples\n", setup->labels->labels().size(), setup->labels->example_count());
  std::printf("eol: %zu entries\n", setup->eol->size());
  std::vector<fingerprints::SelfTestFailure> failures = rules.self_test();
  for (auto& f : setup->labels->self_test()) failures.push_back(std::move(f));
  for (const auto& f : failures)
    std::printf("FAIL %s:%d: %s: %s\n", f.file.c_str(), f.line, f.rule_id.c_str(), f.reason.c_str());
  std::printf("self-test: %s\n", failures.empty() ? "passed" : fmt::format("{} failures", failures.size()).c_str());
  return failures.empty() ? 0 : 1;
}

int run(const FingerprintCommandOptions& o) {
  if (o.self_test) return run_self_test(o);
  const auto started = std::chrono::steady_clock::now();
  auto setup = load_fingerprint_setup(o.files);
  if (!setup) return fail(setup.error());

  TemporaryFile standard_input;
  std::vector<Input> inputs;
  for (const std::string& name : o.inputs.empty() ? std::vector<std::string>{"-"} : o.inputs) {
    if (name != "-") {
      inputs.push_back({name, name});
      continue;
    }
    if (!standard_input.path().empty()) return fail(make_input_error("standard input (-) given twice"));
    if (auto taken = standard_input.take_stdin(); !taken) return fail(taken.error());
    inputs.push_back({"standard input", standard_input.path()});
  }

  // Pass 1: every record's fingerprints, and each address's union of them.
  const fingerprints::FingerprintEngine& engine = *setup->engine;
  ScanBatch batch(engine);
  MatchScratch scratch;
  Counts counts;
  auto first = each_record(inputs, o.skip_bad, true, counts, [&](const json::object& record) -> Result<> {
    batch.add(record, scratch);
    return {};
  });
  if (!first) return fail(first.error());

  // Pass 2: labels with host.fp.* over the whole input, and the output.
  auto output = Output::open(o.output_file);
  if (!output) return fail(output.error());
  std::string line;
  auto second = each_record(inputs, o.skip_bad, false, counts, [&](json::object& record) -> Result<> {
    if (counts.records == batch.records())
      return make_error("the input changed between the two passes; nothing was written");
    ++counts.records;
    batch.annotate(record, scratch);
    if (!record.at("labels").as_array().empty()) ++counts.labelled;
    line = json::serialize(record);
    line += '\n';
    output->file().write(line);
    return {};
  });
  if (!second) return fail(second.error());
  if (counts.records != batch.records())
    return fail(make_error("the input changed between the two passes; nothing was written"));
  if (auto committed = output->commit(); !committed) return fail(committed.error());

  if (counts.bad > 0)
    std::fprintf(stderr, "fumidai fingerprint: %llu bad lines skipped (first %zu shown above)\n",
                 static_cast<unsigned long long>(counts.bad), kMaxReportedBadLines);
  if (o.stats) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    json::object summary = engine.statistics().to_json();
    summary["labelled"] = counts.labelled;
    summary["bad_lines"] = counts.bad;
    summary["duration_ms"] = std::llround(seconds * 1000);
    std::fprintf(stderr, "%s\n", json::serialize(summary).c_str());
  }
  return 0;
}

}  // namespace

void register_fingerprint_command(CLI::App& root, int& exit_code) {
  auto options = std::make_shared<FingerprintCommandOptions>();
  CLI::App* cmd = root.add_subcommand(
      "fingerprint",
      "Stage 3 over stored service records (grab's JSONL): fingerprints and labels again, replacing the old ones");
  cmd->add_option("inputs", options->inputs, "Service-record JSONL files (- = standard input, the default)");
  cmd->add_option("--rules", options->files.rules_dir, "Rules: every *.yaml below DIR, replacing the built-in ones");
  cmd->add_option("--recog", options->files.recog_dir, "Also fingerprint with Rapid7 Recog's XML files in DIR");
  cmd->add_option("--labels", options->files.labels_file, "Labels file replacing the built-in labels.yaml");
  cmd->add_option("--eol", options->files.eol_file, "End-of-life list replacing the built-in eol.yaml");
  cmd->add_option("-o,--output-file", options->output_file,
                  "Annotated records, JSONL (- = standard output); written only if every input line is a record")
      ->capture_default_str();
  cmd->add_flag("--skip-bad", options->skip_bad,
                "Skip lines that are not service records (counted) instead of stopping");
  cmd->add_flag("--stats", options->stats, "A JSON summary line on stderr: records, fingerprinted, by source");
  cmd->add_flag("--self-test", options->self_test,
                "Check every rule's and label's examples; print counts per category and failures (exit 1 on any)");
  cmd->callback([options, &exit_code] { exit_code = run(*options); });
}

}  // namespace fumidai::cli
