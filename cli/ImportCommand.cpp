#include "ImportCommand.h"

#include <fmt/format.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "CommandError.h"
#include "DbFlags.h"
#include "fumidai/db/AttributionFields.h"
#include "fumidai/db/AttributionImport.h"
#include "fumidai/db/DatabaseLocation.h"
#include "fumidai/db/Migrator.h"

namespace fumidai::cli {
namespace {

struct ImportOptions {
  std::vector<std::string> files;
  std::optional<std::string> date;
  bool skip_bad = false;
  std::optional<std::string> url;
  std::size_t limit = 50;
};

int run_import(db::AttributionKind kind, const ImportOptions& options) {
  const std::string command = fmt::format("import {}", db::kind_name(kind));
  std::optional<std::chrono::year_month_day> given;
  if (options.date) {
    auto date = db::parse_iso_date(*options.date);
    if (!date) return report_error(command, make_input_error(fmt::format("--date: {}", date.error().message)));
    given = *date;
  }
  // Everything about the files is checked before the database is touched.
  auto date = db::resolve_data_date(kind, options.files, given);
  if (!date) return report_error(command, date.error());
  auto session = open_database(options.url);
  if (!session) return report_error(command, session.error());
  auto report = db::import_attribution(*session, {kind, options.files, *date, options.skip_bad});
  if (!report) return report_error(command, report.error());

  const std::string what = fmt::format("{}, data date {}", db::kind_name(kind), db::format_date(*date));
  if (report->already_imported) {
    fmt::print("import {} already holds these files ({}, {} rows): nothing to do\n", report->import_id, what,
               report->rows);
    return 0;
  }
  for (const auto& line : report->first_skipped) fmt::print(stderr, "fumidai {}: skipped {}\n", command, line);
  if (report->skipped > static_cast<std::int64_t>(report->first_skipped.size())) {
    fmt::print(stderr, "fumidai {}: ... and {} more bad lines skipped\n", command,
               report->skipped - static_cast<std::int64_t>(report->first_skipped.size()));
  }
  fmt::print("import {}: {}, {} rows{}\n", report->import_id, what, report->rows,
             report->skipped > 0 ? fmt::format(", {} bad lines skipped", report->skipped) : "");
  return 0;
}

int run_list(const ImportOptions& options) {
  auto session = open_database(options.url);
  if (!session) return report_error("import list", session.error());
  auto imports = db::list_attribution_imports(*session, options.limit);
  if (!imports) return report_error("import list", imports.error());
  if (imports->empty()) {
    fmt::print("no attribution imports yet: `fumidai import KIND FILE...`\n");
    return 0;
  }
  fmt::print("{:>6}  {:<12}  {:<10}  {:>10}  {:>7}  {:<20}  {:<7}  {}\n", "id", "kind", "data date", "rows", "skipped",
             "imported at", "current", "source");
  for (const auto& i : *imports) {
    fmt::print("{:>6}  {:<12}  {:<10}  {:>10}  {:>7}  {:<20}  {:<7}  {}\n", i.id, i.kind, i.data_date, i.rows,
               i.skipped, i.imported_at, i.current ? "yes" : "", i.source);
  }
  return 0;
}

}  // namespace

void register_import_command(CLI::App& root, int& exit_code) {
  auto options = std::make_shared<ImportOptions>();
  CLI::App* import = root.add_subcommand(
      "import",
      "Load ISP attribution data (prefix origins, AS organisations, RIR countries, GeoLite2-ASN, abuse contacts), "
      "dated by the data's own date");
  import->require_subcommand(1);
  struct Kind {
    db::AttributionKind kind;
    const char* help;
  };
  static constexpr Kind kinds[] = {
      {db::AttributionKind::pfx2as, "CAIDA RouteViews prefix-to-AS (prefix<TAB>length<TAB>asn)"},
      {db::AttributionKind::as2org, "CAIDA AS-to-Organization (the org_id and aut sections)"},
      {db::AttributionKind::delegated, "RIR delegated-extended statistics (one import from several RIRs' files)"},
      {db::AttributionKind::geolite2_asn, "MaxMind GeoLite2-ASN CSV (the IPv4 and IPv6 blocks as one import)"},
      {db::AttributionKind::abuse, "Abuse contacts CSV: prefix_or_asn,email,source,updated (with that header)"},
  };
  for (const auto& kind : kinds) {
    CLI::App* cmd = import->add_subcommand(std::string(db::kind_name(kind.kind)), kind.help);
    cmd->add_option("FILE", options->files, "Data files (gzip or plain), imported together as one data set")
        ->required();
    cmd->add_option("--date", options->date,
                    "The data's date, YYYY-MM-DD (default: from the file name where the format has one, else the "
                    "file's modification day, UTC)");
    cmd->add_flag("--skip-bad", options->skip_bad, "Pass over bad lines, counting them, rather than abort the import");
    add_db_option(*cmd, options->url);
    cmd->callback([options, k = kind.kind, &exit_code] { exit_code = run_import(k, *options); });
  }
  CLI::App* list = import->add_subcommand("list", "The imports, newest data first; `current` marks what new scans use");
  list->add_option("--limit", options->limit, "At most this many (default 50)")->check(CLI::Range(1, 100000));
  add_db_option(*list, options->url);
  list->callback([options, &exit_code] { exit_code = run_list(*options); });
}

}  // namespace fumidai::cli
