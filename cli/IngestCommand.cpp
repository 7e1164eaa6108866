#include "IngestCommand.h"

#include <fmt/format.h>

#include <boost/json/parse.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "CommandError.h"
#include "DbFlags.h"
#include "fumidai/core/SystemClock.h"
#include "fumidai/db/DatabaseLocation.h"
#include "fumidai/db/RecordFileSurvey.h"
#include "fumidai/db/RecordLineReader.h"
#include "fumidai/db/RowEncoder.h"
#include "fumidai/db/ScanIngest.h"
#include "fumidai/db/ScanMetadata.h"

namespace fumidai::cli {
namespace {

constexpr std::size_t kMaxBatchRows = 1'000'000;
// A scanner summary is a few hundred bytes.
constexpr std::uintmax_t kMaxMetadataBytes = 16u << 20;

struct IngestCommandOptions {
  std::vector<std::string> files;
  std::optional<std::string> db;
  std::string scan_name;
  std::string scan_id;
  std::string metadata_file;
  std::size_t batch_rows = 10'000;
  bool skip_bad = false;
};

Result<boost::json::object> read_summary(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return make_input_error(fmt::format("--metadata {}: {}", path, ec.message()));
  if (size > kMaxMetadataBytes) return make_input_error(fmt::format("--metadata {}: larger than 16 MiB", path));
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) return make_input_error(fmt::format("--metadata {}: cannot read it", path));
  boost::system::error_code parse_error;
  boost::json::value v = boost::json::parse(text, parse_error);
  if (parse_error) return make_input_error(fmt::format("--metadata {}: not JSON: {}", path, parse_error.message()));
  if (!v.is_object()) return make_input_error(fmt::format("--metadata {}: not a JSON object", path));
  return std::move(v.get_object());
}

struct Group {
  std::vector<std::size_t> files;  // indexes into the options' files
};

// Feeds one file's lines. An input error ends it unless --skip-bad.
Result<> feed_file(db::ScanIngest& ingest, const std::string& path, bool skip_bad, std::uint64_t& reported) {
  if (auto begun = ingest.begin_source(path); !begun) return begun;
  auto reader = db::RecordLineReader::open(path, db::RowEncoder::kMaxLineBytes);
  if (!reader) return reader.error();
  std::string_view line;
  while (reader->next(line)) {
    Result<> added = reader->too_long()
                         ? Result<>(make_input_error(fmt::format("{}:{}: longer than {} bytes", path,
                                                                 reader->line_number(), db::RowEncoder::kMaxLineBytes)))
                         : ingest.add_line(line, reader->line_number());
    if (added) continue;
    if (!skip_bad || added.error().kind != Error::Kind::invalid_input) return added;
    ingest.count_bad_line();
    if (++reported <= kMaxReportedBadLines) fmt::print(stderr, "fumidai ingest: {} (skipped)\n", added.error().message);
  }
  if (reader->error()) return *reader->error();
  return {};
}

int run(const IngestCommandOptions& o) {
  if (o.batch_rows == 0 || o.batch_rows > kMaxBatchRows) {
    return report_error("ingest",
                        make_input_error(fmt::format("invalid --batch-rows {} (1-{})", o.batch_rows, kMaxBatchRows)));
  }
  auto location = db::locate_database(o.db);
  if (!location) return report_error("ingest", location.error());
  std::optional<boost::json::object> summary;
  if (!o.metadata_file.empty()) {
    auto read = read_summary(o.metadata_file);
    if (!read) return report_error("ingest", read.error());
    db::ScanMetadata check;
    if (auto applied = db::apply_scan_summary(*read, check); !applied) {
      return report_error("ingest",
                          make_input_error(fmt::format("--metadata {}: {}", o.metadata_file, applied.error().message)));
    }
    summary = std::move(*read);
  }

  // Pass 1 over every file before anything is written: uids, start times,
  // and any line that is not JSON.
  std::vector<db::RecordFileSurvey> surveys;
  for (const auto& file : o.files) {
    auto survey = db::RecordFileSurvey::of(file, db::RowEncoder::kMaxLineBytes);
    if (!survey) return report_error("ingest", survey.error());
    if (survey->first_bad_line != 0 && !o.skip_bad) {
      return report_error(
          "ingest", make_input_error(fmt::format("{}:{}: {}", file, survey->first_bad_line, survey->first_bad_reason)));
    }
    surveys.push_back(std::move(*survey));
  }

  std::vector<Group> groups;
  for (std::size_t i = 0; i < o.files.size(); ++i) {
    if (o.scan_id.empty() || groups.empty()) groups.emplace_back();
    groups.back().files.push_back(i);
  }

  SystemClock clock;
  db::IngestOptions options;
  options.batch_rows = o.batch_rows;
  std::uint64_t reported = 0;
  for (const Group& group : groups) {
    const std::string& first = o.files[group.files.front()];
    db::ScanMetadata m;
    m.uid = o.scan_id.empty() ? surveys[group.files.front()].sha256 : o.scan_id;
    m.name = !o.scan_name.empty()      ? o.scan_name
             : group.files.size() == 1 ? std::filesystem::path(first).filename().string()
                                       : m.uid;
    m.tool_version = fmt::format("fumidai {}", FUMIDAI_VERSION);
    m.ports_from_records = true;
    if (summary) {
      (void)db::apply_scan_summary(*summary, m);  // checked above
    } else {
      std::optional<db::UtcMicros> earliest;
      for (std::size_t i : group.files)
        if (surveys[i].earliest && (!earliest || *surveys[i].earliest < *earliest)) earliest = surveys[i].earliest;
      if (!earliest) {
        return report_error("ingest", make_input_error(fmt::format(
                                          "{}: no record has a time to date the scan by; give --metadata FILE (the "
                                          "summary `fumidai scan -m FILE` wrote)",
                                          first)));
      }
      m.started = *earliest;
    }
    const std::string uid = m.uid;
    auto ingest = db::ScanIngest::open(location->conninfo, std::move(m), options, clock);
    if (!ingest) return report_error("ingest", ingest.error());

    for (std::size_t i : group.files) {
      auto fed = feed_file(**ingest, o.files[i], o.skip_bad, reported);
      if (fed) continue;
      // A bad record: the batches before it go in, so that a re-run skips them.
      if (fed.error().kind == Error::Kind::invalid_input) {
        (void)(*ingest)->stop();
      } else {
        (*ingest)->abandon();
      }
      const int code = report_error("ingest", fed.error());
      const db::IngestReport so_far = (*ingest)->report();
      if (so_far.batches + so_far.batches_skipped > 0) {
        fmt::print(stderr,
                   "fumidai ingest: scan {} is left unfinished ({}); the same command completes it once the cause "
                   "is gone (a changed file needs --scan-id {}, or --skip-bad skips bad lines)\n",
                   uid, so_far.line(), uid);
      }
      return code;
    }
    auto report = (*ingest)->finish();
    if (!report) {
      const int code = report_error("ingest", report.error());
      fmt::print(stderr, "fumidai ingest: scan {} is left unfinished ({}); the same command completes it\n", uid,
                 (*ingest)->report().line());
      return code;
    }
    if (reported > kMaxReportedBadLines) {
      fmt::print(stderr, "fumidai ingest: {} bad lines skipped (first {} shown above)\n", report->bad_lines,
                 kMaxReportedBadLines);
    }
    fmt::print(stderr, "fumidai ingest: {}{}: scan {} (id {}{}): {}\n", first,
               group.files.size() > 1 ? fmt::format(" and {} more", group.files.size() - 1) : "", uid,
               (*ingest)->scan_id(), (*ingest)->existed() ? ", already known" : "", report->line());
  }
  return 0;
}

}  // namespace

void register_ingest_command(CLI::App& root, int& exit_code) {
  auto options = std::make_shared<IngestCommandOptions>();
  CLI::App* cmd = root.add_subcommand(
      "ingest", "Load stored JSONL (scan or service records) into PostgreSQL: one scan per file, idempotently");
  cmd->add_option("files", options->files, "JSONL files of `fumidai scan` or `fumidai grab` / `scan --grab` records")
      ->required()
      ->check(CLI::ExistingFile);
  add_db_option(*cmd, options->db);
  cmd->add_option("--scan-name", options->scan_name, "The scan's name (default: the file's name)");
  cmd->add_option("--scan-id", options->scan_id,
                  "The scan's uid (default: the SHA-256 of the file, so a re-run finds the same scan); one uid for "
                  "several files makes them one scan");
  cmd->add_option("--metadata", options->metadata_file,
                  "The scanner's summary (`fumidai scan -m FILE`): start, end, ports, rate, seed, shards (default: "
                  "start = the earliest record, ports = the ports seen)");
  cmd->add_option("--batch-rows", options->batch_rows, "Records per transaction")->capture_default_str();
  cmd->add_flag("--skip-bad", options->skip_bad, "Skip lines that are not records (each counted) instead of stopping");
  cmd->callback([options, &exit_code] { exit_code = run(*options); });
}

}  // namespace fumidai::cli
