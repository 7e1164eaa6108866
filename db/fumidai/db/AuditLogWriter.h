#pragma once
// Writes the API's audit entries into audit_log (db/migrations/0004_api.sql):
// each batch is one COPY, so it lands whole and in order (ids follow the
// batch's order), or not at all. It holds its own connection, not a pooled
// one: the API's audit thread writes all day and must not take a session a
// request is waiting for. Text that PostgreSQL cannot hold (NUL, invalid
// UTF-8: a request target is network input) is written as \xNN escapes.
// Contract: one thread at a time (the audit writer thread); connects on the
// first write, and after a lost connection the next write connects again.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/db/PgConnection.h"

namespace fumidai::db {

// One answered request (api::AuditEntry's fields; db/ does not depend on api/).
struct AuditRecord {
  std::int64_t wall_time_ns = 0;
  std::optional<std::int64_t> key_id;
  std::string key_name;
  std::string method;
  std::string target;
  std::string route;
  unsigned status = 0;
  std::uint64_t bytes = 0;
  std::int64_t duration_us = 0;
  std::string remote;
  std::string request_id;
};

class AuditLogWriter {
 public:
  static constexpr std::size_t kMaxFieldBytes = 8192;  // longer text is cut there

  explicit AuditLogWriter(std::string conninfo);

  // An error of kind failure (no server, a lost connection) may succeed when
  // tried again; invalid_input (the server refused the rows) will not.
  Result<> write(const std::vector<AuditRecord>& records);
  bool connected() const { return connection_.has_value(); }

  // The COPY text of one row (for tests and the fuzz target).
  static void append_row(std::string& out, const AuditRecord& record);

 private:
  std::string conninfo_;
  std::optional<PgConnection> connection_;
};

}  // namespace fumidai::db
