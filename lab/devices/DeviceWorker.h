#pragma once
// One event loop of the emulator: an io_context run by one thread, its own
// listening socket for every TCP endpoint (SO_REUSEPORT, so the kernel spreads
// new connections over the workers without a shared accept lock), a pool of
// sessions, and the UDP endpoints DeviceServer gave it (each UDP endpoint has
// one worker). Over max_sessions, a new connection is accepted and closed at
// once, which keeps the accept queue moving. A tick every kTick checks the
// sessions' deadlines against the injected clock (and resumes UDP endpoints
// after a socket error).
// Contract: listen() before run(); run() on the worker's own thread; stop()
// from any thread. Sessions, acceptors and handlers live on that thread only.
// The clock, limits and endpoints' personas and TLS contexts are borrowed and
// outlive the worker.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

#include "DeviceDatagramEndpoint.h"
#include "DeviceEndpoint.h"
#include "DeviceLimits.h"
#include "DeviceSession.h"
#include "fumidai/core/Clock.h"
#include "fumidai/core/Error.h"

namespace fumidai::lab {

class DeviceWorker {
 public:
  // The resolution of every timeout and of drip pacing.
  static constexpr std::chrono::milliseconds kTick{100};

  DeviceWorker(Clock& clock, const DeviceLimits& limits, std::size_t max_sessions);
  DeviceWorker(const DeviceWorker&) = delete;
  DeviceWorker& operator=(const DeviceWorker&) = delete;

  // Binds and listens (TCP) or binds (UDP); a failure names the address.
  Result<> listen(const DeviceEndpoint& endpoint);
  // Serves until stop().
  void run();
  void stop();

  boost::asio::io_context& context() { return io_; }
  const DeviceLimits& limits() const { return limits_; }
  Nanos now() const { return clock_.now(); }
  // A session whose connection is over and has nothing in flight.
  void release(DeviceSession& session);

 private:
  struct Acceptor {
    Acceptor(boost::asio::io_context& io, const DeviceEndpoint& e) : socket(io), endpoint(e) {}
    boost::asio::ip::tcp::acceptor socket;
    DeviceEndpoint endpoint;
    bool retry = false;  // accept failed for lack of resources: try again on the next tick
  };

  void accept(Acceptor& acceptor);
  void on_accept(Acceptor& acceptor, const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket);
  void arm_tick();
  void on_tick();

  Clock& clock_;
  const DeviceLimits& limits_;
  std::size_t max_sessions_;
  // Declared before every socket, so destroyed after them all.
  boost::asio::io_context io_;
  boost::asio::steady_timer tick_;
  std::vector<std::unique_ptr<Acceptor>> acceptors_;
  std::vector<std::unique_ptr<DeviceDatagramEndpoint>> datagram_endpoints_;
  std::vector<std::unique_ptr<DeviceSession>> sessions_;  // every session made, in use or not
  std::vector<DeviceSession*> free_;
  std::vector<DeviceSession*> active_;
};

}  // namespace fumidai::lab
