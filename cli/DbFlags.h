#pragma once
// The `--db URL` option every database command shares, with the same
// resolution order (db/fumidai/db/DatabaseLocation.h), and the session it
// opens.
#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "fumidai/db/DatabaseLocation.h"
#include "fumidai/db/Migrator.h"

namespace fumidai::cli {

inline CLI::Option* add_db_option(CLI::App& command, std::optional<std::string>& url) {
  return command.add_option("--db", url,
                            "PostgreSQL URL or connection string (default: $FUMIDAI_DATABASE_URL, else the embedded "
                            "cluster in $FUMIDAI_STATE_DIR/pg, default ./state/pg, that `fumidai db up` starts)");
}

// A session on the database `url` names (or the default), migrated to this
// build's schema (db::open_current).
inline Result<db::Session> open_database(const std::optional<std::string>& url) {
  auto location = db::locate_database(url);
  if (!location) return location.error();
  return db::open_current(location->conninfo);
}

}  // namespace fumidai::cli
