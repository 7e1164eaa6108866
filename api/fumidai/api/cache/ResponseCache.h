#pragma once
// Whole response bodies kept for a short time, for answers that are costly to
// compute and change only when a scan is finalized: the statistics routes.
// A dashboard polling /v1/stats/by-isp then costs a map lookup instead of a
// query. Staleness is bounded by `ttl`; the key is the caller's business and
// must hold everything the answer depends on (route, normalised query, the
// principal's constituency). Least recently used entries go first when the
// byte budget is exceeded.
// Contract: thread-safe; bodies are shared and immutable; time comes from the
// injected Clock, which must outlive the cache.
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "fumidai/core/Clock.h"

namespace fumidai::api {

class ResponseCache {
 public:
  struct Entry {
    std::string content_type;
    std::string body;
  };
  struct Statistics {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::size_t entries = 0;
    std::size_t bytes = 0;
  };

  // ttl 0 disables the cache (every find misses, insert keeps nothing).
  ResponseCache(Clock& clock, Nanos ttl, std::size_t max_bytes);

  std::shared_ptr<const Entry> find(const std::string& key);
  // An entry larger than the whole budget is not kept.
  void insert(const std::string& key, std::shared_ptr<const Entry> entry);
  Statistics statistics() const;

 private:
  struct Slot {
    std::shared_ptr<const Entry> entry;
    Nanos expires{0};
    std::list<std::string>::iterator recency;
  };
  static std::size_t cost(const std::string& key, const Entry& entry);
  void erase(std::unordered_map<std::string, Slot>::iterator it);

  Clock& clock_;
  const Nanos ttl_;
  const std::size_t max_bytes_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Slot> slots_;
  std::list<std::string> recency_;  // front: most recently used
  std::size_t bytes_ = 0;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

}  // namespace fumidai::api
