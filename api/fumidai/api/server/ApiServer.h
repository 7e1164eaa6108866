#pragma once
// The REST API server: I/O threads, the listener, the worker pool, and a
// graceful shutdown. shutdown() stops accepting, closes idle keep-alive
// connections, lets requests and streams in flight finish within the drain
// timeout (then closes what is left), and run() returns.
// Contract: listen() before run(); run() blocks the calling thread (it is one
// of the I/O threads) until shutdown; shutdown() is thread-safe, idempotent,
// and may come before run(). Handlers still running at the drain deadline are
// waited for (their database calls are bounded by the pool's timeouts).
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "fumidai/api/server/ConnectionTracker.h"
#include "fumidai/api/server/RequestDispatcher.h"
#include "fumidai/api/server/ServerDependencies.h"
#include "fumidai/api/server/SessionServices.h"
#include "fumidai/api/server/WorkerPool.h"
#include "fumidai/core/Error.h"

namespace fumidai::api {

class Listener;

class ApiServer {
 public:
  explicit ApiServer(ServerDependencies dependencies);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds (port 0: an ephemeral port, see port()); an input error names the
  // address and the reason (in use, not local, ...).
  Result<> listen(const std::string& address, std::uint16_t port);
  std::uint16_t port() const;

  // shutdown() on SIGINT or SIGTERM, for `fumidai serve`.
  void shutdown_on_signals();
  void run();
  void shutdown();

 private:
  void begin_shutdown();

  ServerDependencies dependencies_;
  std::function<void(std::string_view)> log_;
  RequestDispatcher dispatcher_;
  WorkerPool workers_;
  ConnectionTracker tracker_;
  SessionServices services_;
  // Declared after everything sessions use: destroyed first, taking any
  // session still queued in it along.
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> keep_running_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer drain_deadline_;
  std::shared_ptr<Listener> listener_;
  std::atomic<bool> shutting_down_{false};
};

}  // namespace fumidai::api
