#pragma once
// A bounded pool of database sessions for the API server: at most `size`
// connections, opened lazily, each with the statements it needs prepared on
// first use. acquire() waits up to a timeout for a free one; a session whose
// connection broke is dropped on release and replaced on demand.
// Contract: thread-safe; the pool outlives every PooledSession it hands out.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/db/Session.h"

namespace fumidai::db {

class ConnectionPool;

// A leased session; returns it to the pool when destroyed. Move-only.
class PooledSession {
 public:
  PooledSession(ConnectionPool* pool, std::unique_ptr<Session> session);
  ~PooledSession();
  PooledSession(PooledSession&&) noexcept;
  PooledSession& operator=(PooledSession&&) noexcept;
  Session& operator*() { return *session_; }
  Session* operator->() { return session_.get(); }

 private:
  ConnectionPool* pool_;
  std::unique_ptr<Session> session_;
};

struct PoolStatistics {
  std::size_t size = 0;     // the bound
  std::size_t open = 0;     // connections open
  std::size_t in_use = 0;   // leased now
  std::size_t waiting = 0;  // callers blocked in acquire()
  std::uint64_t timeouts = 0;
};

class ConnectionPool {
 public:
  ConnectionPool(std::string conninfo, std::size_t size, std::chrono::milliseconds acquire_timeout);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  Result<PooledSession> acquire();
  PoolStatistics statistics() const;

 private:
  friend class PooledSession;
  void release(std::unique_ptr<Session> session);

  const std::string conninfo_;
  const std::size_t size_;
  const std::chrono::milliseconds acquire_timeout_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Session>> idle_;
  std::size_t open_ = 0;
  std::size_t in_use_ = 0;
  std::size_t waiting_ = 0;
  std::uint64_t timeouts_ = 0;
};

}  // namespace fumidai::db
