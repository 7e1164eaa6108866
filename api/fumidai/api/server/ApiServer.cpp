#include "fumidai/api/server/ApiServer.h"

#include <fmt/format.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <csignal>
#include <cstdio>
#include <thread>
#include <vector>

#include "fumidai/api/server/Listener.h"

namespace fumidai::api {
namespace {

std::function<void(std::string_view)> default_log(std::function<void(std::string_view)> log) {
  if (log) return log;
  return [](std::string_view line) {
    std::fprintf(stderr, "fumidai serve: %.*s\n", static_cast<int>(line.size()), line.data());
  };
}

}  // namespace

ApiServer::ApiServer(ServerDependencies dependencies)
    : dependencies_(std::move(dependencies)),
      log_(default_log(dependencies_.log)),
      dispatcher_(dependencies_.routes, dependencies_.authenticator, dependencies_.rate_limiter, dependencies_.audit,
                  dependencies_.context, dependencies_.clock, dependencies_.metrics, dependencies_.limits, log_),
      workers_(dependencies_.worker_threads, dependencies_.limits.worker_queue),
      tracker_(dependencies_.limits.max_connections, dependencies_.metrics),
      services_{dispatcher_, workers_, tracker_, dependencies_.limits, dependencies_.clock, log_},
      io_(static_cast<int>(std::max<std::size_t>(dependencies_.io_threads, 1))),
      keep_running_(boost::asio::make_work_guard(io_)),
      signals_(io_),
      drain_deadline_(io_) {}

ApiServer::~ApiServer() {
  shutdown();
  workers_.stop();
}

Result<> ApiServer::listen(const std::string& address, std::uint16_t port) {
  boost::system::error_code ec;
  const auto ip = boost::asio::ip::make_address(address, ec);
  if (ec) return make_input_error(fmt::format("cannot listen on {}: not an IP address", address));
  auto* tls = dependencies_.tls ? &dependencies_.tls->context() : nullptr;
  auto listener = std::make_shared<Listener>(io_, services_, tls);
  auto bound = listener->bind({ip, port});
  if (!bound) return bound.error();
  listener_ = std::move(listener);
  listener_->start();
  return {};
}

std::uint16_t ApiServer::port() const { return listener_ ? listener_->local_endpoint().port() : 0; }

void ApiServer::shutdown_on_signals() {
  signals_.add(SIGINT);
  signals_.add(SIGTERM);
  signals_.async_wait([this](boost::system::error_code ec, int) {
    if (!ec) shutdown();
  });
}

void ApiServer::run() {
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < std::max<std::size_t>(dependencies_.io_threads, 1); ++i) {
    threads.emplace_back([this] { io_.run(); });
  }
  io_.run();
  for (auto& thread : threads) thread.join();
  // Handlers that outlived the drain deadline finish here.
  workers_.stop();
}

void ApiServer::shutdown() {
  if (shutting_down_.exchange(true)) return;
  boost::asio::post(io_, [this] { begin_shutdown(); });
}

void ApiServer::begin_shutdown() {
  if (listener_) listener_->close();
  boost::system::error_code ignored;
  signals_.cancel(ignored);
  drain_deadline_.expires_after(dependencies_.limits.drain_timeout);
  drain_deadline_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;  // everything drained in time
    log_(fmt::format("shutdown: {} connections still busy after {} ms; closing them", tracker_.count(),
                     dependencies_.limits.drain_timeout.count()));
    tracker_.force_close_all();
  });
  // Once no connection is left, nothing keeps run() going.
  tracker_.drain([this] {
    boost::asio::post(io_, [this] {
      drain_deadline_.cancel();
      keep_running_.reset();
    });
  });
}

}  // namespace fumidai::api
