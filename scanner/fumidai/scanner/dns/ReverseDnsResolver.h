#pragma once
// Reverse DNS (PTR) lookups for IPv4 on c-ares, driven by the grabber's
// io_context: c-ares' sockets are watched through
// asio::posix::stream_descriptor (released before c-ares closes them) and its
// retransmissions woken by one steady_timer. Timeouts and retries are
// c-ares' own, on the monotonic clock; the timer only wakes it at the time
// ares_timeout() names.
//
// Limits: at most max_in_flight queries outstanding and max_queued waiting
// for a slot (first come, first served); a lookup beyond both fails with
// "queue full". A name longer than kMaxPtrNameBytes is an error; names are
// valid UTF-8 without NUL (see json_safe_text).
//
// Contract: single-threaded. create(), lookup(), cancel_all() and the
// destructor run on the one thread that runs `io`, which must outlive the
// resolver. Each `done` runs exactly once, always posted to `io` (never
// inside lookup() or c-ares), with the PTR name or a one-word-ish error:
// "NXDOMAIN", "no PTR record", "timeout", "SERVFAIL", "REFUSED",
// "connection refused", "bad response", "queue full", "cancelled",
// "resolver destroyed". cancel_all() and the destructor post an error for
// every pending lookup, so a `done` may run after the resolver is gone and
// must not reach it. (If `io` is destroyed without running them, asio
// destroys them uncalled.)
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fumidai/core/Error.h"

namespace fumidai::scanner {

class ReverseDnsResolver {
 public:
  struct Options {
    // "ip", "ip:port" or "[ipv6]:port"; empty: c-ares reads /etc/resolv.conf.
    std::vector<std::string> servers;
    std::size_t max_in_flight = 256;          // 1 .. kMaxInFlight
    std::size_t max_queued = 100000;          // 0 .. kMaxQueued
    std::chrono::milliseconds timeout{2000};  // per try, 1 ms .. 60 s
    int tries = 2;                            // 1 .. 10
  };
  using Callback = std::function<void(Result<std::string>)>;

  static constexpr std::size_t kMaxServers = 16;
  static constexpr std::size_t kMaxInFlight = 65536;
  static constexpr std::size_t kMaxQueued = 10'000'000;
  static constexpr std::size_t kMaxPtrNameBytes = 1024;

  // Input errors name the bad option or server.
  static Result<std::unique_ptr<ReverseDnsResolver>> create(boost::asio::io_context& io, const Options& options);
  ~ReverseDnsResolver();
  ReverseDnsResolver(const ReverseDnsResolver&) = delete;
  ReverseDnsResolver& operator=(const ReverseDnsResolver&) = delete;

  void lookup(std::uint32_t ipv4_host_order, Callback done);
  // Every pending lookup, in flight or queued, gets "cancelled"; the
  // resolver stays usable.
  void cancel_all();

  std::size_t in_flight() const;
  std::size_t queued() const;
  std::size_t peak_in_flight() const;  // most queries outstanding at once so far

 private:
  struct Impl;
  explicit ReverseDnsResolver(std::shared_ptr<Impl> impl);
  // Shared only with weak_ptrs in pending asio handlers, so a handler that
  // runs after destruction sees the resolver gone.
  std::shared_ptr<Impl> impl_;
};

}  // namespace fumidai::scanner
