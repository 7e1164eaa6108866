#pragma once
// One connection to the canary: reads one request head into a fixed buffer
// of limits.max_head_bytes, answers it (200 and the proof for a valid token,
// 400 for anything else), logs it, and closes. Nothing else is read.
//
// Deadlines: the head must be complete by idle_timeout after the accept, and
// the connection ends at connection_lifetime whatever it does; the server's
// tick calls expire_if_due(), which closes the socket and so ends the
// operation in flight.
// Contract: created, run and destroyed on the server's thread; run() is
// awaited once. The key, log, stats, limits and clock are the server's and
// outlive the session.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "fumidai/core/Clock.h"
#include "fumidai/scanner/canary/CanaryKey.h"
#include "fumidai/scanner/canary/CanaryLimits.h"
#include "fumidai/scanner/canary/CanaryLog.h"

namespace fumidai::scanner {

class CanarySession {
 public:
  struct Context {
    Clock& clock;
    const CanaryLimits& limits;
    const CanaryKey& key;
    CanaryLog& log;
    CanaryStats& stats;
  };

  CanarySession(Context context, boost::asio::ip::tcp::socket socket);
  CanarySession(const CanarySession&) = delete;
  CanarySession& operator=(const CanarySession&) = delete;

  boost::asio::awaitable<void> run();
  void expire_if_due(Nanos now);
  void close();

 private:
  void log(std::string_view token, bool valid);

  Context context_;
  boost::asio::ip::tcp::socket socket_;
  std::uint32_t peer_ip_ = 0;
  std::uint16_t peer_port_ = 0;
  Nanos idle_deadline_;
  Nanos lifetime_deadline_;
  bool head_complete_ = false;
};

}  // namespace fumidai::scanner
