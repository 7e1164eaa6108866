#pragma once
// `fumidai canary`: our own endpoint that proxies are asked to reach. It
// answers GET /fumidai-canary/TOKEN with the token's proof (see CanaryKey)
// and logs every request (see CanaryLog); a probe that gets the proof back
// through a proxy knows the proxy relayed. It must run on infrastructure its
// operator controls: its address is what every probed proxy is asked to
// connect to.
//
// Limits: see CanaryLimits. One event loop, borrowed: open() binds (and is
// everything that can fail), start() accepts, stop() closes the listening
// socket and every connection.
// Contract: open, start, stop and stats on the io_context's thread (post
// stop() there from elsewhere). After stop(), let io.run() return before
// destroying the server: connections end through their handlers. The clock
// and log are borrowed and outlive the server; the key is copied.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <unordered_set>

#include "fumidai/core/Clock.h"
#include "fumidai/core/Error.h"
#include "fumidai/scanner/canary/CanaryKey.h"
#include "fumidai/scanner/canary/CanaryLimits.h"
#include "fumidai/scanner/canary/CanaryLog.h"

namespace fumidai::scanner {

class CanarySession;

class CanaryServer {
 public:
  static Result<std::unique_ptr<CanaryServer>> open(boost::asio::io_context& io, Clock& clock, CanaryLimits limits,
                                                    boost::asio::ip::tcp::endpoint listen, CanaryKey key,
                                                    CanaryLog& log);
  CanaryServer(const CanaryServer&) = delete;
  CanaryServer& operator=(const CanaryServer&) = delete;

  void start();
  void stop();
  // Where it listens (the port chosen when open() was given port 0).
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  const CanaryStats& stats() const { return stats_; }
  std::size_t connections() const { return active_.size(); }

 private:
  CanaryServer(boost::asio::io_context& io, Clock& clock, CanaryLimits limits, CanaryKey key, CanaryLog& log);

  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<void> ticker();

  boost::asio::io_context& io_;
  Clock& clock_;
  CanaryLimits limits_;
  CanaryKey key_;
  CanaryLog& log_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer tick_timer_;
  std::unordered_set<CanarySession*> active_;
  CanaryStats stats_;
  bool stopped_ = false;
};

}  // namespace fumidai::scanner
