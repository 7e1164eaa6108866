#pragma once
// A bare libpq connection for the ingest writer: parameterised statements and
// COPY FROM STDIN with large buffers (PQputCopyData), which libpqxx 6's
// stream_to does a row at a time. Failures come back as PgFailure values that
// keep what the writer decides by: the SQLSTATE, the server's COPY context
// ("COPY services, line 3, ..."), and whether the connection is gone.
// Contract: one thread at a time; move-only; closes with the object. Lives in
// db/ only.
#include <boost/system/result.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/core/Error.h"

struct pg_conn;
struct pg_result;

namespace fumidai::db {

struct PgFailure {
  std::string sqlstate;  // empty when the server sent none (e.g. the connection broke)
  std::string message;   // the primary message, one line
  std::string context;   // PG_DIAG_CONTEXT, for COPY the table and line
  bool connection_lost = false;

  bool unique_violation() const { return sqlstate == "23505"; }
  // Data the server refused: SQLSTATE classes 22 (data exception), 23
  // (integrity) and 54 (a value over a limit, e.g. jsonb's size).
  bool refused_data() const;
  // The 1-based row of a COPY that the server refused, from the context.
  std::optional<std::size_t> copy_line() const;
  std::string describe() const;  // "message (SQLSTATE x)"
};

template <class T = void>
using PgResult = boost::system::result<T, PgFailure>;

using PgRow = std::vector<std::optional<std::string>>;

class PgConnection {
 public:
  // Connects (connect_timeout 10 s unless the string says otherwise) with
  // client_encoding UTF8. Errors as Session::open's.
  static Result<PgConnection> open(const std::string& conninfo);
  ~PgConnection();
  PgConnection(PgConnection&& other) noexcept;
  PgConnection& operator=(PgConnection&& other) noexcept;

  // One statement; its rows as text (null as nullopt).
  PgResult<std::vector<PgRow>> query(const std::string& sql, const std::vector<std::optional<std::string>>& params = {});
  // `copy_statement` is "COPY table (columns) FROM STDIN"; `data` COPY text.
  PgResult<> copy_in(const std::string& copy_statement, std::string_view data);

 private:
  explicit PgConnection(pg_conn* connection) : connection_(connection) {}
  PgFailure failure(const pg_result* result) const;
  pg_conn* connection_;
};

}  // namespace fumidai::db
