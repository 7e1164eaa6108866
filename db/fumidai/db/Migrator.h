#pragma once
// Versioned schema migrations: db/migrations/NNNN_name.sql, compiled into the
// binary. Each is applied in its own transaction, under an advisory lock so
// two migrators cannot interleave, and recorded in schema_migrations with its
// SHA-256. A database whose schema is newer than this binary, or whose
// applied migration differs from the binary's copy, is refused.
// Contract: stateless functions over a borrowed Session.
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/db/Session.h"

namespace fumidai::db {

struct Migration {
  int version = 0;
  std::string name;  // file name, e.g. 0001_schema.sql
  std::string_view sql;
};

// The binary's migrations, in version order.
const std::vector<Migration>& builtin_migrations();
int latest_schema_version();

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
  std::vector<std::string> applied;  // file names
};

// Applies what is missing. Idempotent: a current database is left alone.
Result<MigrationReport> migrate(Session& session, const std::vector<Migration>& migrations = builtin_migrations());

// The version recorded in the database (0 for an empty one).
Result<int> schema_version(Session& session);

// For every command that reads or writes data: the schema must be exactly
// this binary's. An older one asks for `fumidai db migrate`.
Result<> require_current_schema(Session& session);

// Session::open + require_current_schema: how commands get their database.
Result<Session> open_current(const std::string& conninfo);

}  // namespace fumidai::db
