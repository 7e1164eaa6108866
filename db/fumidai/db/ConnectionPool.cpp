#include "fumidai/db/ConnectionPool.h"

#include <fmt/format.h>

#include <cassert>
#include <utility>

namespace fumidai::db {

PooledSession::PooledSession(ConnectionPool* pool, std::unique_ptr<Session> session)
    : pool_(pool), session_(std::move(session)) {}

PooledSession::~PooledSession() {
  if (pool_ != nullptr && session_ != nullptr) pool_->release(std::move(session_));
}

PooledSession::PooledSession(PooledSession&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), session_(std::move(other.session_)) {}

PooledSession& PooledSession::operator=(PooledSession&& other) noexcept {
  if (this != &other) {
    if (pool_ != nullptr && session_ != nullptr) pool_->release(std::move(session_));
    pool_ = std::exchange(other.pool_, nullptr);
    session_ = std::move(other.session_);
  }
  return *this;
}

ConnectionPool::ConnectionPool(std::string conninfo, std::size_t size, std::chrono::milliseconds acquire_timeout)
    : conninfo_(std::move(conninfo)), size_(size), acquire_timeout_(acquire_timeout) {
  assert(size_ > 0);
}

ConnectionPool::~ConnectionPool() {
  // Every lease must be back: a PooledSession outliving its pool would
  // release into freed memory.
  assert(in_use_ == 0);
}

Result<PooledSession> ConnectionPool::acquire() {
  std::unique_lock lock(mutex_);
  ++waiting_;
  const bool ready = available_.wait_for(lock, acquire_timeout_, [&] { return !idle_.empty() || open_ < size_; });
  --waiting_;
  if (!ready) {
    ++timeouts_;
    return make_error(
        fmt::format("no database session free within {} ms ({} in use)", acquire_timeout_.count(), in_use_));
  }
  if (!idle_.empty()) {
    auto session = std::move(idle_.back());
    idle_.pop_back();
    ++in_use_;
    return PooledSession(this, std::move(session));
  }
  // Opening takes a round trip or a connect timeout: reserve the slot and
  // connect without the lock so other callers are not held up.
  ++open_;
  ++in_use_;
  lock.unlock();
  auto opened = Session::open(conninfo_);
  if (!opened) {
    lock.lock();
    --open_;
    --in_use_;
    available_.notify_one();
    return opened.error();
  }
  return PooledSession(this, std::make_unique<Session>(std::move(*opened)));
}

void ConnectionPool::release(std::unique_ptr<Session> session) {
  // A connection that broke (server restart, network) is not handed out
  // again; the next acquire() opens a fresh one in its place.
  const bool reusable = session->is_open();
  std::lock_guard lock(mutex_);
  --in_use_;
  if (reusable) {
    idle_.push_back(std::move(session));
  } else {
    --open_;
  }
  available_.notify_one();
}

PoolStatistics ConnectionPool::statistics() const {
  std::lock_guard lock(mutex_);
  return PoolStatistics{size_, open_, in_use_, waiting_, timeouts_};
}

}  // namespace fumidai::db
