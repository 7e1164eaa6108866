#pragma once
// Where the database is. Every command that needs it resolves it the same
// way: `--db URL`, else $FUMIDAI_DATABASE_URL, else the embedded cluster
// under the state directory ($FUMIDAI_STATE_DIR, default ./state), which
// `fumidai db up` creates and starts.
// The embedded cluster listens on a Unix socket only, so a scanner running
// inside a network namespace reaches it the same way as everything else.
#include <filesystem>
#include <optional>
#include <string>

#include "fumidai/core/Error.h"

namespace fumidai::db {

struct DatabaseLocation {
  std::string conninfo;                          // a libpq connection string or URI
  std::optional<std::filesystem::path> cluster;  // set when it is the embedded cluster (its directory)
  std::string source;                            // "--db", "FUMIDAI_DATABASE_URL" or "embedded"
};

// The state directory: $FUMIDAI_STATE_DIR or ./state, made absolute.
std::filesystem::path state_directory();

// Resolves as above. A malformed URL is an input error naming where it came
// from; nothing is contacted.
Result<DatabaseLocation> locate_database(const std::optional<std::string>& flag);

}  // namespace fumidai::db
