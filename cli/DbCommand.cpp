#include "DbCommand.h"

#include <fmt/format.h>

#include <memory>
#include <optional>
#include <string>

#include "CommandError.h"
#include "DbFlags.h"
#include "fumidai/db/DatabaseLocation.h"
#include "fumidai/db/EmbeddedCluster.h"
#include "fumidai/db/DatabaseSummary.h"
#include "fumidai/db/Migrator.h"

namespace fumidai::cli {
namespace {

struct DbOptions {
  std::optional<std::string> url;
};

int run_migrate(const db::DatabaseLocation& location, std::string_view command) {
  auto session = db::Session::open(location.conninfo);
  if (!session) return report_error(command, session.error());
  auto report = db::migrate(*session);
  if (!report) return report_error(command, report.error());
  for (const auto& name : report->applied) fmt::print("applied {}\n", name);
  fmt::print("schema version {} ({})\n", report->to_version,
             report->applied.empty() ? "already current" : fmt::format("was {}", report->from_version));
  return 0;
}

// up: the embedded cluster (created and started if need be), then migrations.
// With --db or FUMIDAI_DATABASE_URL there is nothing to start: it migrates.
int run_up(const DbOptions& options) {
  auto location = db::locate_database(options.url);
  if (!location) return report_error("db up", location.error());
  if (location->cluster) {
    const db::EmbeddedCluster cluster(*location->cluster);
    if (auto up = cluster.up(); !up) return report_error("db up", up.error());
    fmt::print("PostgreSQL is up: {} (socket in {})\n", location->cluster->string(),
               (*location->cluster / "run").string());
  }
  return run_migrate(*location, "db up");
}

int run_down(const DbOptions& options) {
  auto location = db::locate_database(options.url);
  if (!location) return report_error("db down", location.error());
  if (!location->cluster) {
    return report_error("db down", make_input_error(fmt::format(
                                       "the database comes from {}, not the embedded cluster: nothing to stop",
                                       location->source)));
  }
  if (auto down = db::EmbeddedCluster(*location->cluster).down(); !down) return report_error("db down", down.error());
  fmt::print("PostgreSQL is down: {}\n", location->cluster->string());
  return 0;
}

// status: where the database is, whether it runs, its schema and contents.
// Exit 0 when it is reachable and current, 1 otherwise.
int run_status(const DbOptions& options) {
  auto location = db::locate_database(options.url);
  if (!location) return report_error("db status", location.error());
  fmt::print("database: {} ({})\n", db::redact_conninfo(location->conninfo), location->source);
  if (location->cluster) {
    auto status = db::EmbeddedCluster(*location->cluster).status();
    if (!status) return report_error("db status", status.error());
    fmt::print("embedded cluster: {} ({})\n", location->cluster->string(),
               !status->initialised ? "not created: run `fumidai db up`"
               : status->running    ? fmt::format("running, pid {}", status->pid.value_or(0))
                                    : "stopped: run `fumidai db up`");
    if (!status->running) return 1;
  }
  auto session = db::Session::open(location->conninfo);
  if (!session) return report_error("db status", session.error());
  auto version = db::schema_version(*session);
  if (!version) return report_error("db status", version.error());
  fmt::print("schema version: {} (this binary: {})\n", *version, db::latest_schema_version());
  if (auto current = db::require_current_schema(*session); !current) return report_error("db status", current.error());
  auto counts = db::table_counts(*session);
  if (!counts) return report_error("db status", counts.error());
  for (const auto& [table, rows] : *counts) fmt::print("{}: {}\n", table, rows);
  return 0;
}

int run_url(const DbOptions& options) {
  auto location = db::locate_database(options.url);
  if (!location) return report_error("db url", location.error());
  fmt::print("{}\n", location->conninfo);
  return 0;
}

}  // namespace

void register_db_command(CLI::App& root, int& exit_code) {
  auto options = std::make_shared<DbOptions>();
  CLI::App* db = root.add_subcommand("db", "The PostgreSQL store: the embedded local cluster and the schema");
  db->require_subcommand(1);
  struct Sub {
    const char* name;
    const char* help;
    int (*run)(const DbOptions&);
  };
  static constexpr Sub subcommands[] = {
      {"up", "Create and start the embedded cluster if need be, then apply migrations", run_up},
      {"down", "Stop the embedded cluster (its data stays)", run_down},
      {"status", "Where the database is, whether it runs, its schema version and row counts", run_status},
      {"migrate", "Apply the schema migrations this binary has and the database lacks",
       [](const DbOptions& o) {
         auto location = db::locate_database(o.url);
         return location ? run_migrate(*location, "db migrate") : report_error("db migrate", location.error());
       }},
      {"url", "Print the connection string every command would use (for psql)", run_url},
  };
  for (const auto& sub : subcommands) {
    CLI::App* cmd = db->add_subcommand(sub.name, sub.help);
    add_db_option(*cmd, options->url);
    cmd->callback([options, run = sub.run, &exit_code] { exit_code = run(*options); });
  }
}

}  // namespace fumidai::cli
