#pragma once
// What the server asks before a handler runs and records after: who the
// bearer key is, whether that key may go on now, and an audit line.
// The server calls these through the interfaces so the HTTP layer does not
// know where keys live (PostgreSQL in production, see auth/).
// Contract: implementations are thread-safe; they are called from the
// server's worker threads and may block briefly (a database lookup).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fumidai/api/Principal.h"
#include "fumidai/core/Error.h"

namespace fumidai::api {

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // The principal for a bearer token, or nullopt for an unknown, revoked or
  // malformed one (a 401). An Error means the key store could not be asked
  // (a 503), never that the key was bad.
  virtual Result<std::optional<Principal>> authenticate(std::string_view bearer_token) = 0;
};

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Takes one request from the key's budget (its principal's rate_limit):
  // nullopt admits it, a duration refuses it (a 429 with Retry-After rounded
  // up to whole seconds).
  virtual std::optional<std::chrono::nanoseconds> admit(const Principal& who) = 0;
};

struct AuditEntry {
  std::int64_t wall_time_ns = 0;
  std::optional<std::int64_t> key_id;  // empty for open routes and failed authentication
  std::string key_name;
  std::string method;
  std::string target;  // as received, truncated to the server's target limit
  std::string route;   // the route's name, or "" when none matched
  unsigned status = 0;
  std::uint64_t bytes = 0;  // body bytes sent
  std::int64_t duration_us = 0;
  std::string remote;  // peer address
  std::string request_id;
};

class AuditSink {
 public:
  virtual ~AuditSink() = default;
  // Must not block on I/O: queue and write elsewhere; when the queue is full,
  // count the drop (a metric) rather than stall the request.
  virtual void record(AuditEntry entry) = 0;
};

}  // namespace fumidai::api
