#include "DeviceWorker.h"

#include <fmt/format.h>
#include <sys/socket.h>

#include <boost/asio/error.hpp>
#include <boost/asio/socket_base.hpp>

namespace fumidai::lab {
namespace {

namespace asio = boost::asio;
using error_code = boost::system::error_code;
using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

// The kernel clamps this to net.core.somaxconn.
constexpr int kAcceptBacklog = 65535;

// Errors that belong to the one connection being accepted (it was reset
// while queued, ...); the listening socket is fine and accepting goes on.
bool is_connection_error(const error_code& ec) {
  return ec == asio::error::connection_aborted || ec == asio::error::connection_reset ||
         ec == asio::error::interrupted || ec == asio::error::try_again || ec == asio::error::would_block ||
         ec == asio::error::network_down || ec == asio::error::network_unreachable ||
         ec == asio::error::host_unreachable;
}

}  // namespace

DeviceWorker::DeviceWorker(Clock& clock, const DeviceLimits& limits, std::size_t max_sessions)
    : clock_(clock), limits_(limits), max_sessions_(max_sessions), io_(1), tick_(io_) {
  active_.reserve(max_sessions);
}

Result<> DeviceWorker::listen(const DeviceEndpoint& endpoint) {
  if (endpoint.transport == DevicePersona::Transport::udp) {
    auto datagrams = std::make_unique<DeviceDatagramEndpoint>(*this, endpoint);
    if (auto ok = datagrams->open(); !ok) return ok.error();
    datagram_endpoints_.push_back(std::move(datagrams));
    return {};
  }
  auto acceptor = std::make_unique<Acceptor>(io_, endpoint);
  auto& socket = acceptor->socket;
  error_code ec;
  const auto fail = [&](std::string_view step) {
    return make_error(fmt::format("cannot {} {}:{}: {}", step, endpoint.address.address().to_string(),
                                  endpoint.address.port(), ec.message()));
  };
  if (socket.open(endpoint.address.protocol(), ec)) return fail("open a socket for");
  if (socket.set_option(asio::socket_base::reuse_address(true), ec)) return fail("set SO_REUSEADDR on");
  if (socket.set_option(ReusePort(true), ec)) return fail("set SO_REUSEPORT on");
  if (socket.bind(endpoint.address, ec)) return fail("bind");
  if (socket.listen(kAcceptBacklog, ec)) return fail("listen on");
  acceptors_.push_back(std::move(acceptor));
  return {};
}

void DeviceWorker::run() {
  for (auto& acceptor : acceptors_) accept(*acceptor);
  for (auto& datagrams : datagram_endpoints_) datagrams->start();
  arm_tick();
  io_.run();
}

void DeviceWorker::stop() { io_.stop(); }

void DeviceWorker::accept(Acceptor& acceptor) {
  acceptor.socket.async_accept([this, &acceptor](const error_code& ec, asio::ip::tcp::socket socket) {
    on_accept(acceptor, ec, std::move(socket));
  });
}

void DeviceWorker::on_accept(Acceptor& acceptor, const error_code& ec, asio::ip::tcp::socket socket) {
  if (ec == asio::error::operation_aborted) return;
  if (ec) {
    // Out of descriptors or memory: retrying at once would spin.
    if (is_connection_error(ec)) {
      accept(acceptor);
    } else {
      acceptor.retry = true;
    }
    return;
  }
  accept(acceptor);
  if (active_.size() >= max_sessions_) {
    error_code ignored;
    socket.close(ignored);
    return;
  }
  DeviceSession* session = nullptr;
  if (free_.empty()) {
    sessions_.push_back(std::make_unique<DeviceSession>(*this, limits_.max_request_head_bytes));
    session = sessions_.back().get();
  } else {
    session = free_.back();
    free_.pop_back();
  }
  session->set_active_index(active_.size());
  active_.push_back(session);
  session->start(std::move(socket), acceptor.endpoint, clock_.now());
}

void DeviceWorker::release(DeviceSession& session) {
  const std::size_t index = session.active_index();
  active_[index] = active_.back();
  active_[index]->set_active_index(index);
  active_.pop_back();
  free_.push_back(&session);
}

void DeviceWorker::arm_tick() {
  tick_.expires_after(kTick);
  tick_.async_wait([this](const error_code& ec) {
    if (!ec) on_tick();
  });
}

void DeviceWorker::on_tick() {
  const Nanos now = clock_.now();
  // Backwards: a session that ends is swapped with the last one, which has
  // been visited already.
  for (std::size_t i = active_.size(); i-- > 0;) {
    if (i < active_.size()) active_[i]->on_tick(now);
  }
  for (auto& acceptor : acceptors_) {
    if (acceptor->retry) {
      acceptor->retry = false;
      accept(*acceptor);
    }
  }
  for (auto& datagrams : datagram_endpoints_) datagrams->on_tick();
  arm_tick();
}

}  // namespace fumidai::lab
