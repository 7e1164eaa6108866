#include "fumidai/api/cache/ResponseCache.h"

namespace fumidai::api {

ResponseCache::ResponseCache(Clock& clock, Nanos ttl, std::size_t max_bytes)
    : clock_(clock), ttl_(ttl), max_bytes_(max_bytes) {}

std::size_t ResponseCache::cost(const std::string& key, const Entry& entry) {
  // The fixed part stands for the map node, list node and control blocks.
  return key.size() * 2 + entry.content_type.size() + entry.body.size() + 128;
}

void ResponseCache::erase(std::unordered_map<std::string, Slot>::iterator it) {
  bytes_ -= cost(it->first, *it->second.entry);
  recency_.erase(it->second.recency);
  slots_.erase(it);
}

std::shared_ptr<const ResponseCache::Entry> ResponseCache::find(const std::string& key) {
  const Nanos now = clock_.now();
  std::lock_guard lock(mutex_);
  auto it = slots_.find(key);
  if (it == slots_.end()) {
    ++misses_;
    return nullptr;
  }
  if (now >= it->second.expires) {
    erase(it);
    ++misses_;
    return nullptr;
  }
  recency_.splice(recency_.begin(), recency_, it->second.recency);
  ++hits_;
  return it->second.entry;
}

void ResponseCache::insert(const std::string& key, std::shared_ptr<const Entry> entry) {
  if (ttl_ <= Nanos{0} || !entry) return;
  const std::size_t size = cost(key, *entry);
  if (size > max_bytes_) return;
  const Nanos expires = clock_.now() + ttl_;
  std::lock_guard lock(mutex_);
  if (auto it = slots_.find(key); it != slots_.end()) erase(it);
  while (bytes_ + size > max_bytes_ && !recency_.empty()) erase(slots_.find(recency_.back()));
  recency_.push_front(key);
  slots_.emplace(key, Slot{std::move(entry), expires, recency_.begin()});
  bytes_ += size;
}

ResponseCache::Statistics ResponseCache::statistics() const {
  std::lock_guard lock(mutex_);
  return {hits_, misses_, slots_.size(), bytes_};
}

}  // namespace fumidai::api
