#pragma once
// Stage 2's engine: takes targets from a TargetSource, grabs each with the
// probe module its port profile names, and hands exactly one GrabRecord per
// target to the sink.
//
// Limits, all from GrabOptions: connections open at once (global, per
// address, per /24), new connections per second (a TokenBucket), targets
// held while they wait for a slot (max_pending; beyond it the engine stops
// pulling, which is the backpressure), and per-session connect, read and
// total deadlines. Time comes from the injected Clock: tick() checks every
// deadline and the rate against clock.now(). start() runs tick() from an
// Asio timer every options.tick; tests skip start(), drive a ManualClock,
// call tick() and poll the io_context themselves.
//
// Reverse DNS: with a PtrLookup, the first connection that succeeds to an
// address starts one PTR lookup for it; that address's records wait for the
// answer (bounded by the resolver's own timeouts) and carry it as `ptr`.
//
// Contract: single-threaded: construct, start() and tick() on the thread
// that runs the io_context; records reach the sink on that thread. The
// profile, blocklist and source are borrowed and must outlive the engine.
#include <array>
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "fumidai/core/Clock.h"
#include "fumidai/scanner/grab/GrabOptions.h"
#include "fumidai/scanner/grab/GrabRecord.h"
#include "fumidai/scanner/grab/PolitenessGate.h"
#include "fumidai/scanner/grab/PortProfile.h"
#include "fumidai/scanner/grab/TargetSource.h"
#include "fumidai/core/TokenBucket.h"
#include "fumidai/scanner/target/IntervalSet.h"

namespace fumidai::scanner {

class ProbeSession;

struct GrabStats {
  std::uint64_t targets = 0;  // taken from the source
  std::uint64_t records = 0;  // handed to the sink
  std::array<std::uint64_t, kGrabStatusCount> by_status{};
  std::uint64_t ptr_lookups = 0;
  std::uint64_t ptr_names = 0;
  std::size_t max_active = 0;   // most connections open at once
  std::size_t max_pending = 0;  // most targets held at once

  // Another engine's counts added in (maxima add up: an upper bound).
  void add(const GrabStats& other) {
    targets += other.targets;
    records += other.records;
    for (std::size_t i = 0; i < by_status.size(); ++i) by_status[i] += other.by_status[i];
    ptr_lookups += other.ptr_lookups;
    ptr_names += other.ptr_names;
    max_active += other.max_active;
    max_pending += other.max_pending;
  }
};

class GrabEngine {
 public:
  // Counters another thread may read while the engine runs (status lines).
  struct Progress {
    std::atomic<std::uint64_t> records{0};
    std::atomic<std::uint64_t> ptr_names{0};
    std::atomic<std::size_t> active{0};
    std::atomic<std::size_t> pending{0};
  };

  // Takes each record over: a sink may move it to another thread.
  using RecordSink = std::function<void(GrabRecord&&)>;
  // Looks up the PTR name of `ip` and calls `done` exactly once, on the
  // engine's thread, with the name or nothing.
  using PtrLookup = std::function<void(std::uint32_t ip, std::function<void(std::optional<std::string>)> done)>;

  // Addresses the PTR cache holds at most; answered ones are forgotten oldest
  // first, and beyond that new addresses go without a lookup.
  static constexpr std::size_t kMaxPtrCacheEntries = 1 << 17;

  GrabEngine(boost::asio::io_context& io, Clock& clock, GrabOptions options, const PortProfile& profile,
             const IntervalSet& blocklist, TargetSource& source, RecordSink sink, PtrLookup ptr_lookup = {});
  ~GrabEngine();
  GrabEngine(const GrabEngine&) = delete;
  GrabEngine& operator=(const GrabEngine&) = delete;

  // Starts the timer that calls tick(); `on_finished` runs on the loop once
  // finished() (other users of the loop, a resolver or a status timer, may
  // keep io.run() going: stop them there).
  void start(std::function<void()> on_finished = {});
  // Expires deadlines, pulls targets and starts every grab the limits allow.
  void tick();
  // The source is exhausted and every record was handed to the sink.
  bool finished() const;
  const GrabStats& stats() const { return stats_; }
  const Progress& progress() const { return progress_; }
  std::size_t active() const { return running_; }
  std::size_t pending() const { return pending_count_; }

 private:
  struct Prefix {
    std::deque<GrabTarget> waiting;
    bool in_ready = false;
  };
  struct PtrEntry {
    bool done = false;
    std::optional<std::string> name;
    std::vector<GrabRecord> waiting;
  };

  enum class StartResult { started, rate_limited, held_back };

  void pull();
  void start_ready();
  StartResult start_one_from(Prefix& prefix);
  void mark_ready(std::uint32_t prefix24);
  boost::asio::awaitable<void> ticker();
  // The port's modules in turn (see PortProfile::modules_for).
  boost::asio::awaitable<GrabRecord> grab(GrabTarget target, std::span<const ProbeModule* const> modules);
  // One module over its own connection.
  boost::asio::awaitable<GrabRecord> grab_with(GrabTarget target, const ProbeModule& module);
  void launch(GrabTarget target);
  void session_ended(GrabTarget target);
  void start_ptr_lookup(std::uint32_t ip);
  void finish(GrabRecord record);
  void emit(GrabRecord&& record);

  boost::asio::io_context& io_;
  Clock& clock_;
  GrabOptions options_;
  const PortProfile& profile_;
  const IntervalSet& blocklist_;
  TargetSource& source_;
  RecordSink sink_;
  PtrLookup ptr_lookup_;
  boost::asio::ssl::context tls_context_;
  TokenBucket connect_bucket_;
  PolitenessGate gate_;

  std::unordered_map<std::uint32_t, Prefix> prefixes_;  // by /24, only those with targets waiting
  std::deque<std::uint32_t> ready_;                     // /24s to try, round robin
  std::size_t pending_count_ = 0;
  std::size_t running_ = 0;                   // grabs launched and not yet ended
  std::unordered_set<ProbeSession*> active_;  // their sessions, once connecting: for deadline checks
  std::unordered_map<std::uint32_t, PtrEntry> ptr_cache_;
  std::deque<std::uint32_t> ptr_done_order_;  // for evicting answered entries, oldest first
  std::size_t records_waiting_for_ptr_ = 0;
  std::function<void()> on_finished_;
  std::optional<boost::asio::steady_timer> timer_;
  GrabStats stats_;
  Progress progress_;
};

}  // namespace fumidai::scanner
