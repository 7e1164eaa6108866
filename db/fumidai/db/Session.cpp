#include "fumidai/db/Session.h"

#include <libpq-fe.h>

#include <fmt/format.h>
#include <pqxx/pqxx>
#include <regex>

namespace fumidai::db {

struct Session::Connection {
  explicit Connection(const std::string& conninfo) : connection(conninfo) {}
  pqxx::connection connection;
};

pqxx::connection_base& Session::connection() { return connection_->connection; }

bool Session::is_open() const { return connection_ != nullptr && connection_->connection.is_open(); }

Session::Session(std::unique_ptr<Connection> connection, std::string conninfo)
    : connection_(std::move(connection)), conninfo_(std::move(conninfo)) {}
Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

Result<> validate_conninfo(const std::string& conninfo) {
  char* message = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &message);
  if (options == nullptr) {
    std::string reason = message != nullptr ? message : "out of memory";
    PQfreemem(message);
    while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
    return make_input_error(fmt::format("malformed database URL {:?}: {}", redact_conninfo(conninfo), reason));
  }
  PQconninfoFree(options);
  return {};
}

std::string redact_conninfo(const std::string& conninfo) {
  // URI form postgresql://user:secret@host/db, and key=value form password=secret.
  static const std::regex uri_password(R"(^(postgres(?:ql)?://[^:/@]*:)[^@]*@)");
  static const std::regex key_password(R"((password\s*=\s*)('(?:[^'\\]|\\.)*'|\S*))");
  std::string out = std::regex_replace(conninfo, uri_password, "$1***@");
  return std::regex_replace(out, key_password, "$1***");
}

Result<Session> Session::open(const std::string& conninfo) {
  if (auto valid = validate_conninfo(conninfo); !valid) return valid.error();
  try {
    return Session(std::make_unique<Connection>(conninfo), conninfo);
  } catch (const std::exception& e) {
    return make_error(fmt::format("cannot connect to {}: {}", redact_conninfo(conninfo), describe_exception(e)));
  }
}

std::string describe_exception(const std::exception& e) {
  std::string text = e.what();
  // libpq messages run over lines ("ERROR:  x\nDETAIL: ..."); keep the first
  // line, minus the severity prefix.
  if (const auto end = text.find('\n'); end != std::string::npos) text.resize(end);
  for (const std::string_view prefix : {"ERROR:  ", "FATAL:  "}) {
    if (text.starts_with(prefix)) text.erase(0, prefix.size());
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e); sql != nullptr && !sql->sqlstate().empty()) {
    text += fmt::format(" (SQLSTATE {})", sql->sqlstate());
  }
  return text;
}

Error error_from_exception(std::string_view what, const std::exception& e) {
  std::string message = fmt::format("{}: {}", what, describe_exception(e));
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e); sql != nullptr) {
    const std::string state = sql->sqlstate();
    if (state.starts_with("22") || state.starts_with("23")) return make_input_error(std::move(message));
  }
  return make_error(std::move(message));
}

}  // namespace fumidai::db
