#pragma once
// The server's open connections: enforces the connection cap, and on
// shutdown tells each connection to finish (idle ones close at once, busy
// ones after their current response) or, at the drain deadline, to close.
// Contract: thread-safe. A Connection adds itself when it starts and removes
// itself in its destructor; the tracker outlives every connection.
#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "fumidai/api/metrics/ServerMetrics.h"

namespace fumidai::api {

class ConnectionTracker {
 public:
  class Connection {
   public:
    virtual ~Connection() = default;
    // Both may be called from any thread; implementations post to their
    // connection's strand.
    virtual void begin_drain() = 0;
    virtual void force_close() = 0;
  };

  ConnectionTracker(std::size_t max_connections, ServerMetrics& metrics);

  // Whether a new connection fits under the cap; counts a refusal if not.
  bool admit();
  void add(Connection* connection, std::weak_ptr<Connection> handle);
  void remove(Connection* connection);
  std::size_t count() const;
  // Set by drain() before it tells any connection: a response written after
  // it never offers keep-alive.
  bool draining() const { return draining_flag_.load(std::memory_order_acquire); }

  // Drains every connection open now and any that still slips in; `on_empty`
  // runs (on the thread that removed the last connection, or this one) once
  // none are left.
  void drain(std::function<void()> on_empty);
  void force_close_all();

 private:
  const std::size_t max_connections_;
  ServerMetrics& metrics_;
  mutable std::mutex mutex_;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections_;
  bool draining_ = false;
  std::atomic<bool> draining_flag_{false};
  std::function<void()> on_empty_;
};

}  // namespace fumidai::api
