#pragma once
// The `--db URL` option every database command shares, with the same
// resolution order (db/fumidai/db/DatabaseLocation.h).
#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace fumidai::cli {

inline CLI::Option* add_db_option(CLI::App& command, std::optional<std::string>& url) {
  return command.add_option("--db", url,
                            "PostgreSQL URL or connection string (default: $FUMIDAI_DATABASE_URL, else the embedded "
                            "cluster in $FUMIDAI_STATE_DIR/pg, default ./state/pg, that `fumidai db up` starts)");
}

}  // namespace fumidai::cli
