#pragma once
// A connection to PostgreSQL. libpqxx reports failure by throwing; nothing
// outside db/ sees that: code in db/ runs its libpqxx calls inside guarded(),
// which turns any exception into an Error naming what was being done.
// Contract: one thread at a time (libpqxx connections are not thread-safe);
// move-only; the connection closes with the Session.
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "fumidai/core/Error.h"

namespace pqxx {
class connection_base;  // libpqxx 6's transactions take a connection_base&
}

namespace fumidai::db {

class Session {
 public:
  // Connects; a malformed connection string is an input error, an unreachable
  // server a failure, each one line naming the target (never its password).
  static Result<Session> open(const std::string& conninfo);
  ~Session();
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;

  // For code inside db/ only, and only under guarded().
  pqxx::connection_base& connection();
  const std::string& conninfo() const { return conninfo_; }
  // False once the connection has broken (the server went away); a pool
  // drops such a session rather than lend it again.
  bool is_open() const;

 private:
  struct Connection;
  Session(std::unique_ptr<Connection> connection, std::string conninfo);
  std::unique_ptr<Connection> connection_;
  std::string conninfo_;
};

// Checks a libpq connection string or URI without connecting.
Result<> validate_conninfo(const std::string& conninfo);

// `conninfo` with any password replaced by "***", for messages and logs.
std::string redact_conninfo(const std::string& conninfo);

// One line for an exception thrown by libpqxx (or anything else): the
// server's primary message, and its SQLSTATE where there is one.
std::string describe_exception(const std::exception& e);

// The Error for an exception caught while doing `what`: "WHAT: reason".
// Data the server refused (SQLSTATE class 22 or 23) is an input error; all
// else, broken connections included, a failure.
Error error_from_exception(std::string_view what, const std::exception& e);

namespace detail {
template <class T>
struct AsResult {
  using type = Result<T>;
};
template <class T>
struct AsResult<boost::system::result<T, Error>> {
  using type = Result<T>;
};
}  // namespace detail

// Runs `body` (returning void, T or Result<T>) and turns any exception into
// error_from_exception(what, e).
template <class F>
auto guarded(std::string_view what, F&& body) -> typename detail::AsResult<decltype(body())>::type {
  try {
    if constexpr (std::is_void_v<decltype(body())>) {
      body();
      return {};
    } else {
      return body();
    }
  } catch (const std::exception& e) {
    return error_from_exception(what, e);
  }
}

}  // namespace fumidai::db
