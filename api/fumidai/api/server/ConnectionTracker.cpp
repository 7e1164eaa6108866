#include "fumidai/api/server/ConnectionTracker.h"

#include <vector>

namespace fumidai::api {

ConnectionTracker::ConnectionTracker(std::size_t max_connections, ServerMetrics& metrics)
    : max_connections_(max_connections), metrics_(metrics) {}

bool ConnectionTracker::admit() {
  std::lock_guard lock(mutex_);
  if (connections_.size() < max_connections_ && !draining_) return true;
  metrics_.connection_refused();
  return false;
}

void ConnectionTracker::add(Connection* connection, std::weak_ptr<Connection> handle) {
  bool drain_now = false;
  {
    std::lock_guard lock(mutex_);
    connections_.emplace(connection, std::move(handle));
    drain_now = draining_;
  }
  metrics_.connection_opened();
  if (drain_now) connection->begin_drain();
}

void ConnectionTracker::remove(Connection* connection) {
  std::function<void()> on_empty;
  {
    std::lock_guard lock(mutex_);
    connections_.erase(connection);
    if (draining_ && connections_.empty()) on_empty = std::move(on_empty_);
  }
  metrics_.connection_closed();
  if (on_empty) on_empty();
}

std::size_t ConnectionTracker::count() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

void ConnectionTracker::drain(std::function<void()> on_empty) {
  std::vector<std::shared_ptr<Connection>> open;
  bool empty = false;
  {
    std::lock_guard lock(mutex_);
    draining_ = true;
    draining_flag_.store(true, std::memory_order_release);
    empty = connections_.empty();
    if (!empty) {
      on_empty_ = std::move(on_empty);
      for (auto& [raw, handle] : connections_) {
        if (auto connection = handle.lock()) open.push_back(std::move(connection));
      }
    }
  }
  if (empty) {
    if (on_empty) on_empty();
    return;
  }
  for (auto& connection : open) connection->begin_drain();
}

void ConnectionTracker::force_close_all() {
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(mutex_);
    for (auto& [raw, handle] : connections_) {
      if (auto connection = handle.lock()) open.push_back(std::move(connection));
    }
  }
  for (auto& connection : open) connection->force_close();
}

}  // namespace fumidai::api
