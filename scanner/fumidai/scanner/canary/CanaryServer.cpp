#include "fumidai/scanner/canary/CanaryServer.h"

#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "fumidai/core/AsioNothrow.h"
#include "fumidai/scanner/canary/CanarySession.h"

namespace fumidai::scanner {
namespace {

namespace asio = boost::asio;

// The kernel clamps this to net.core.somaxconn.
constexpr int kBacklog = 1024;

// Errors of the one connection being accepted (reset while queued, ...):
// the listening socket is fine.
bool is_connection_error(const boost::system::error_code& ec) {
  return ec == asio::error::connection_aborted || ec == asio::error::connection_reset ||
         ec == asio::error::interrupted || ec == asio::error::try_again || ec == asio::error::would_block;
}

}  // namespace

CanaryServer::CanaryServer(asio::io_context& io, Clock& clock, CanaryLimits limits, CanaryKey key, CanaryLog& log)
    : io_(io), clock_(clock), limits_(limits), key_(std::move(key)), log_(log), acceptor_(io), tick_timer_(io) {}

Result<std::unique_ptr<CanaryServer>> CanaryServer::open(asio::io_context& io, Clock& clock, CanaryLimits limits,
                                                         asio::ip::tcp::endpoint listen, CanaryKey key,
                                                         CanaryLog& log) {
  std::unique_ptr<CanaryServer> server(new CanaryServer(io, clock, limits, std::move(key), log));
  auto& acceptor = server->acceptor_;
  boost::system::error_code ec;
  const auto fail = [&](std::string_view step) {
    return make_error(
        fmt::format("cannot {} {}:{}: {}", step, listen.address().to_string(), listen.port(), ec.message()));
  };
  if (acceptor.open(listen.protocol(), ec)) return fail("open a socket for");
  if (acceptor.set_option(asio::socket_base::reuse_address(true), ec)) return fail("set SO_REUSEADDR on");
  if (acceptor.bind(listen, ec)) return fail("bind");
  if (acceptor.listen(kBacklog, ec)) return fail("listen on");
  return server;
}

asio::ip::tcp::endpoint CanaryServer::local_endpoint() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void CanaryServer::start() {
  asio::co_spawn(io_, accept_loop(), asio::detached);
  asio::co_spawn(io_, ticker(), asio::detached);
}

void CanaryServer::stop() {
  stopped_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  tick_timer_.cancel();
  for (CanarySession* session : active_) session->close();
}

asio::awaitable<void> CanaryServer::accept_loop() {
  while (!stopped_) {
    auto [ec, socket] = co_await acceptor_.async_accept(nothrow);
    if (stopped_) break;
    if (ec) {
      if (is_connection_error(ec)) continue;
      // Out of descriptors or memory: retrying at once would spin.
      asio::steady_timer pause(io_, limits_.tick);
      co_await pause.async_wait(nothrow);
      continue;
    }
    if (active_.size() >= limits_.max_connections) {
      ++stats_.rejected;
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    ++stats_.accepted;
    asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> CanaryServer::serve(asio::ip::tcp::socket socket) {
  CanarySession session({clock_, limits_, key_, log_, stats_}, std::move(socket));
  // Registered for the tick's deadline checks for exactly the session's life.
  struct Registration {
    std::unordered_set<CanarySession*>& active;
    CanarySession* session;
    ~Registration() { active.erase(session); }
  } registration{active_, &session};
  active_.insert(&session);
  co_await session.run();
}

asio::awaitable<void> CanaryServer::ticker() {
  while (!stopped_) {
    tick_timer_.expires_after(limits_.tick);
    co_await tick_timer_.async_wait(nothrow);
    if (stopped_) break;
    const Nanos now = clock_.now();
    for (CanarySession* session : active_) session->expire_if_due(now);
  }
}

}  // namespace fumidai::scanner
