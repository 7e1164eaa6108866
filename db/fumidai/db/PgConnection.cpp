#include "fumidai/db/PgConnection.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <fmt/format.h>

#include "fumidai/db/Session.h"

namespace fumidai::db {
namespace {

// PQputCopyData copies into libpq's buffer and sends; this many bytes a call
// keeps the socket busy without a second copy of a whole batch.
constexpr std::size_t kCopyChunkBytes = 1 << 20;

std::string first_line(const char* text) {
  std::string s = text != nullptr ? text : "";
  if (const auto end = s.find('\n'); end != std::string::npos) s.resize(end);
  for (const std::string_view prefix : {"ERROR:  ", "FATAL:  "})
    if (s.starts_with(prefix)) s.erase(0, prefix.size());
  return s;
}

struct ResultGuard {
  PGresult* result;
  ~ResultGuard() { PQclear(result); }
};

}  // namespace

bool PgFailure::refused_data() const {
  return sqlstate.starts_with("22") || sqlstate.starts_with("23") || sqlstate.starts_with("54");
}

std::optional<std::size_t> PgFailure::copy_line() const {
  // "COPY services, line 3, column ip: ..." (the server's wording, English in
  // the embedded cluster's C.UTF-8 locale).
  const auto at = context.find(", line ");
  if (!context.starts_with("COPY ") || at == std::string::npos) return std::nullopt;
  std::size_t line = 0;
  const char* begin = context.data() + at + 7;
  const auto [next, ec] = std::from_chars(begin, context.data() + context.size(), line);
  if (ec != std::errc{} || next == begin) return std::nullopt;
  return line;
}

std::string PgFailure::describe() const {
  return sqlstate.empty() ? message : fmt::format("{} (SQLSTATE {})", message, sqlstate);
}

Result<PgConnection> PgConnection::open(const std::string& conninfo) {
  if (auto valid = validate_conninfo(conninfo); !valid) return valid.error();
  // The string's own settings win over these defaults (expand_dbname: later
  // keywords override earlier ones).
  const char* keywords[] = {"connect_timeout", "client_encoding", "dbname", nullptr};
  const char* values[] = {"10", "UTF8", conninfo.c_str(), nullptr};
  PGconn* connection = PQconnectdbParams(keywords, values, 1);
  if (connection == nullptr) return make_error("cannot connect: out of memory");
  if (PQstatus(connection) != CONNECTION_OK) {
    std::string reason = first_line(PQerrorMessage(connection));
    PQfinish(connection);
    return make_error(fmt::format("cannot connect to {}: {}", redact_conninfo(conninfo), reason));
  }
  // The COPY text is UTF-8 whatever the string asked for.
  if (PQsetClientEncoding(connection, "UTF8") != 0) {
    PQfinish(connection);
    return make_error(fmt::format("{}: cannot set client_encoding UTF8", redact_conninfo(conninfo)));
  }
  return PgConnection(connection);
}

PgConnection::~PgConnection() {
  if (connection_ != nullptr) PQfinish(connection_);
}

PgConnection::PgConnection(PgConnection&& other) noexcept : connection_(std::exchange(other.connection_, nullptr)) {}

PgConnection& PgConnection::operator=(PgConnection&& other) noexcept {
  if (this != &other) {
    if (connection_ != nullptr) PQfinish(connection_);
    connection_ = std::exchange(other.connection_, nullptr);
  }
  return *this;
}

PgFailure PgConnection::failure(const PGresult* result) const {
  PgFailure f;
  if (result != nullptr) {
    const auto field = [result](int code) {
      const char* v = PQresultErrorField(result, code);
      return std::string(v != nullptr ? v : "");
    };
    f.sqlstate = field(PG_DIAG_SQLSTATE);
    f.message = field(PG_DIAG_MESSAGE_PRIMARY);
    f.context = first_line(field(PG_DIAG_CONTEXT).c_str());
  }
  if (f.message.empty()) f.message = first_line(PQerrorMessage(connection_));
  if (f.message.empty()) f.message = "the server did not answer";
  // 57P01-57P03: the server is shutting down or restarting; class 08: the
  // connection failed. Either way this session is over.
  f.connection_lost = PQstatus(connection_) == CONNECTION_BAD || f.sqlstate.starts_with("08") ||
                      f.sqlstate == "57P01" || f.sqlstate == "57P02" || f.sqlstate == "57P03";
  return f;
}

PgResult<std::vector<PgRow>> PgConnection::query(const std::string& sql,
                                                 const std::vector<std::optional<std::string>>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  ResultGuard r{PQexecParams(connection_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                             nullptr, nullptr, 0)};
  const ExecStatusType status = r.result != nullptr ? PQresultStatus(r.result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return failure(r.result);
  std::vector<PgRow> rows;
  for (int i = 0; i < PQntuples(r.result); ++i) {
    PgRow row;
    for (int j = 0; j < PQnfields(r.result); ++j) {
      if (PQgetisnull(r.result, i, j)) {
        row.emplace_back();
      } else {
        row.emplace_back(std::string(PQgetvalue(r.result, i, j), PQgetlength(r.result, i, j)));
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

PgResult<> PgConnection::copy_in(const std::string& copy_statement, std::string_view data) {
  {
    ResultGuard start{PQexec(connection_, copy_statement.c_str())};
    if (start.result == nullptr || PQresultStatus(start.result) != PGRES_COPY_IN) return failure(start.result);
  }
  bool sent = true;
  for (std::size_t at = 0; at < data.size() && sent; at += kCopyChunkBytes) {
    const std::size_t n = std::min(kCopyChunkBytes, data.size() - at);
    sent = PQputCopyData(connection_, data.data() + at, static_cast<int>(n)) == 1;
  }
  if (PQputCopyEnd(connection_, sent ? nullptr : "ingest stopped") != 1) sent = false;
  // The COPY's own result, then the end of the command; whatever comes is
  // read so the connection is ready for the next statement.
  std::optional<PgFailure> failed;
  while (PGresult* r = PQgetResult(connection_)) {
    ResultGuard guard{r};
    if (PQresultStatus(r) != PGRES_COMMAND_OK && !failed) failed = failure(r);
  }
  if (failed) return *failed;
  if (!sent) return failure(nullptr);
  return {};
}

}  // namespace fumidai::db
