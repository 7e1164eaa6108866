#include "fumidai/scanner/grab/GrabEngine.h"

#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>

#include "fumidai/core/AsioNothrow.h"
#include "fumidai/scanner/grab/ProbeSession.h"
#include "fumidai/scanner/probes/tls/TlsDescription.h"

namespace fumidai::scanner {
namespace {

namespace asio = boost::asio;

GrabStatus connect_status(IoError error) {
  return error == IoError::timeout ? GrabStatus::connection_timeout : GrabStatus::connection_refused;
}

// Frees a connection slot however the grab coroutine ends.
class SlotGuard {
 public:
  SlotGuard(std::unordered_set<ProbeSession*>& active, ProbeSession& session) : active_(active), session_(session) {
    active_.insert(&session_);
  }
  ~SlotGuard() {
    session_.close();
    active_.erase(&session_);
  }
  SlotGuard(const SlotGuard&) = delete;
  SlotGuard& operator=(const SlotGuard&) = delete;

 private:
  std::unordered_set<ProbeSession*>& active_;
  ProbeSession& session_;
};

}  // namespace

GrabEngine::GrabEngine(asio::io_context& io, Clock& clock, GrabOptions options, const PortProfile& profile,
                       const IntervalSet& blocklist, TargetSource& source, RecordSink sink, PtrLookup ptr_lookup)
    : io_(io),
      clock_(clock),
      options_(std::move(options)),
      profile_(profile),
      blocklist_(blocklist),
      source_(source),
      sink_(std::move(sink)),
      ptr_lookup_(std::move(ptr_lookup)),
      tls_context_(make_grab_tls_context()),
      // A tick's worth of connections may go at once, so pacing holds at any tick length.
      connect_bucket_(options_.connect_rate,
                      options_.connect_rate * std::chrono::duration<double>(options_.tick).count()),
      gate_(options_.per_host, options_.per_prefix24) {}

GrabEngine::~GrabEngine() = default;

void GrabEngine::start(std::function<void()> on_finished) {
  on_finished_ = std::move(on_finished);
  asio::co_spawn(io_, ticker(), asio::detached);
}

asio::awaitable<void> GrabEngine::ticker() {
  timer_.emplace(io_);
  while (true) {
    tick();
    if (finished()) break;
    timer_->expires_after(options_.tick);
    co_await timer_->async_wait(nothrow);
  }
  if (on_finished_) on_finished_();
}

bool GrabEngine::finished() const {
  return source_.exhausted() && pending_count_ == 0 && running_ == 0 && records_waiting_for_ptr_ == 0;
}

void GrabEngine::tick() {
  const Nanos now = clock_.now();
  // expire_if_due() only cancels; the sessions end later, in their own coroutines.
  for (ProbeSession* session : active_) session->expire_if_due(now);
  pull();
  start_ready();
  progress_.active.store(running_, std::memory_order_relaxed);
  progress_.pending.store(pending_count_, std::memory_order_relaxed);
}

void GrabEngine::pull() {
  while (pending_count_ < options_.max_pending) {
    const std::optional<GrabTarget> target = source_.try_next();
    if (!target) break;
    ++stats_.targets;
    const ProbeModule* module = profile_.module_for(target->port, target->transport);
    if (module == nullptr || blocklist_.contains(target->ip)) {
      GrabRecord record;
      record.target = *target;
      if (module == nullptr) {
        record.protocol = "unknown";
        record.status = GrabStatus::application_error;
        record.error =
            fmt::format("no probe module for UDP port {} in the port profile; nothing was sent", target->port);
      } else {
        record.target.transport = module->transport();
        record.protocol = module->protocol();
        record.status = GrabStatus::blocklisted_target;
        record.error = "the blocklist covers this address; nothing was sent";
      }
      emit(std::move(record));
      continue;
    }
    const std::uint32_t key = PolitenessGate::prefix24(target->ip);
    prefixes_[key].waiting.push_back(*target);
    ++pending_count_;
    mark_ready(key);
  }
  stats_.max_pending = std::max(stats_.max_pending, pending_count_);
}

void GrabEngine::mark_ready(std::uint32_t prefix24) {
  const auto it = prefixes_.find(prefix24);
  if (it == prefixes_.end() || it->second.in_ready || it->second.waiting.empty()) return;
  it->second.in_ready = true;
  ready_.push_back(prefix24);
}

void GrabEngine::start_ready() {
  // One pass over the /24s that have targets waiting, starting as many from
  // each as the limits allow. A /24 whose limits hold back all of its
  // targets leaves the ready list; session_ended() puts it back when one of
  // its connections ends.
  std::size_t visits = ready_.size();
  while (visits-- > 0 && running_ < options_.max_concurrent) {
    const std::uint32_t key = ready_.front();
    ready_.pop_front();
    const auto it = prefixes_.find(key);
    if (it == prefixes_.end()) continue;
    Prefix& prefix = it->second;
    prefix.in_ready = false;
    StartResult result = StartResult::started;
    while (result == StartResult::started && running_ < options_.max_concurrent) result = start_one_from(prefix);
    if (prefix.waiting.empty()) {
      prefixes_.erase(it);
      continue;
    }
    if (result == StartResult::held_back) continue;
    mark_ready(key);
    if (result == StartResult::rate_limited) break;  // no tokens for anyone until the next tick
  }
}

GrabEngine::StartResult GrabEngine::start_one_from(Prefix& prefix) {
  for (auto it = prefix.waiting.begin(); it != prefix.waiting.end(); ++it) {
    if (!gate_.may_start(it->ip)) continue;
    if (!connect_bucket_.try_take(clock_.now())) return StartResult::rate_limited;
    const GrabTarget target = *it;
    prefix.waiting.erase(it);
    --pending_count_;
    launch(target);
    return StartResult::started;
  }
  return StartResult::held_back;
}

void GrabEngine::launch(GrabTarget target) {
  gate_.started(target.ip);
  ++running_;
  stats_.max_active = std::max(stats_.max_active, running_);
  // pull() let only targets with a module through.
  const std::span<const ProbeModule* const> modules = profile_.modules_for(target.port, target.transport);
  const ProbeModule& module = *modules.front();
  target.transport = module.transport();
  asio::co_spawn(io_, grab(target, modules), [this, target, &module](std::exception_ptr e, GrabRecord record) {
    if (e) {
      // Only an allocation failure can get here (I/O reports errors as
      // values); the target still gets its one record.
      record = GrabRecord{};
      record.target = target;
      record.protocol = module.protocol();
      record.status = GrabStatus::application_error;
      record.error = "internal error: out of memory";
    }
    session_ended(target);
    finish(std::move(record));
  });
}

asio::awaitable<GrabRecord> GrabEngine::grab(GrabTarget target, std::span<const ProbeModule* const> modules) {
  // The next module gets a fresh connection when the target answered but
  // not in the protocol expected; the record is the first module's unless a
  // later one succeeds.
  std::optional<GrabRecord> first;
  for (const ProbeModule* module : modules) {
    GrabRecord record = co_await grab_with(target, *module);
    const bool try_next = record.status == GrabStatus::handshake_error || record.status == GrabStatus::protocol_error ||
                          record.status == GrabStatus::io_timeout;
    if (record.status == GrabStatus::success || (!first && !try_next)) co_return record;
    if (!first) first = std::move(record);
    if (!try_next) break;
  }
  co_return std::move(*first);
}

asio::awaitable<GrabRecord> GrabEngine::grab_with(GrabTarget target, const ProbeModule& module) {
  GrabRecord record;
  record.target = target;
  record.protocol = module.protocol();
  ProbeSession session(io_.get_executor(), clock_, options_, tls_context_, target);
  SlotGuard slot(active_, session);

  const IoStatus connected = co_await session.connect();
  if (!connected.ok()) {
    record.status = connect_status(connected.error);
    record.error = connected.message;
    co_return record;
  }
  // A UDP socket connects without a word from the target: ask for its name
  // once it answered.
  if (target.transport == Transport::tcp) start_ptr_lookup(target.ip);

  boost::json::object tls;
  if (module.tls()) {
    const IoStatus handshake = co_await session.start_tls(tls);
    if (!handshake.ok()) {
      ProbeOutcome failed = outcome_from_io(handshake);
      record.status = failed.status;
      record.error = failed.error;
      co_return record;
    }
  }
  ProbeOutcome outcome = co_await module.run(session);
  record.status = outcome.status;
  record.error = std::move(outcome.error);
  record.data = std::move(outcome.data);
  if (!outcome.protocol.empty()) record.protocol = std::move(outcome.protocol);
  if (target.transport == Transport::udp &&
      (outcome.status == GrabStatus::success || outcome.status == GrabStatus::protocol_error))
    start_ptr_lookup(target.ip);
  if (!tls.empty() && !record.data.contains("tls")) record.data["tls"] = std::move(tls);
  co_return record;
}

void GrabEngine::session_ended(GrabTarget target) {
  --running_;
  gate_.finished(target.ip);
  mark_ready(PolitenessGate::prefix24(target.ip));
  // Refill at once rather than at the next tick, so a short grab's slot
  // does not sit idle.
  asio::post(io_, [this] {
    pull();
    start_ready();
  });
}

void GrabEngine::start_ptr_lookup(std::uint32_t ip) {
  if (!ptr_lookup_ || ptr_cache_.contains(ip)) return;
  // Keep the cache bounded: forget the oldest answered addresses.
  while (ptr_cache_.size() >= kMaxPtrCacheEntries && !ptr_done_order_.empty()) {
    ptr_cache_.erase(ptr_done_order_.front());
    ptr_done_order_.pop_front();
  }
  if (ptr_cache_.size() >= kMaxPtrCacheEntries) return;  // every entry still in flight: go without
  ptr_cache_.emplace(ip, PtrEntry{});
  ++stats_.ptr_lookups;
  ptr_lookup_(ip, [this, ip](std::optional<std::string> name) {
    const auto it = ptr_cache_.find(ip);
    if (it == ptr_cache_.end()) return;
    PtrEntry& entry = it->second;
    entry.done = true;
    entry.name = std::move(name);
    if (entry.name) {
      ++stats_.ptr_names;
      progress_.ptr_names.fetch_add(1, std::memory_order_relaxed);
    }
    ptr_done_order_.push_back(ip);
    std::vector<GrabRecord> waiting = std::move(entry.waiting);
    records_waiting_for_ptr_ -= waiting.size();
    for (GrabRecord& record : waiting) {
      record.ptr = entry.name;
      emit(std::move(record));
    }
  });
}

void GrabEngine::finish(GrabRecord record) {
  const auto it = ptr_cache_.find(record.target.ip);
  if (it != ptr_cache_.end()) {
    if (!it->second.done) {
      it->second.waiting.push_back(std::move(record));
      ++records_waiting_for_ptr_;
      return;
    }
    record.ptr = it->second.name;
  }
  emit(std::move(record));
}

void GrabEngine::emit(GrabRecord&& record) {
  record.timestamp_ns = clock_.wall_now_ns();
  ++stats_.records;
  progress_.records.fetch_add(1, std::memory_order_relaxed);
  ++stats_.by_status[static_cast<std::size_t>(record.status)];
  sink_(std::move(record));
}

}  // namespace fumidai::scanner
