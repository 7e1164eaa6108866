#include "fumidai/scanner/grab/ProbeSession.h"

#include <fmt/format.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "fumidai/core/AsioNothrow.h"
#include "fumidai/scanner/probes/tls/TlsDescription.h"

namespace fumidai::scanner {
namespace {

namespace asio = boost::asio;

}  // namespace

ProbeSession::ProbeSession(asio::any_io_executor executor, Clock& clock, const GrabOptions& options,
                           asio::ssl::context& tls_context, GrabTarget target)
    : executor_(std::move(executor)),
      clock_(clock),
      options_(options),
      tls_context_(tls_context),
      target_(target),
      socket_(executor_),
      udp_socket_(executor_),
      total_deadline_(clock.now() + options.total_timeout) {}

void ProbeSession::arm(Nanos timeout) {
  timed_out_ = false;
  deadline_ = std::min(clock_.now() + timeout, total_deadline_);
}

void ProbeSession::expire_if_due(Nanos now) {
  if (!deadline_ || now < *deadline_) return;
  deadline_.reset();
  timed_out_ = true;
  boost::system::error_code ignored;
  socket_.cancel(ignored);
  udp_socket_.cancel(ignored);
}

IoStatus ProbeSession::status_from(const boost::system::error_code& ec, std::string_view what) {
  disarm();
  if (!ec) return {};
  if (timed_out_) return {IoError::timeout, fmt::format("{} timed out", what)};
  namespace error = asio::error;
  if (ec == error::eof || ec == asio::ssl::error::stream_truncated)
    return {IoError::eof, fmt::format("{}: connection closed by peer", what)};
  if (ec == error::connection_refused)
    return {IoError::refused, fmt::format("{}: {}", what, udp() ? "port unreachable (ICMP)" : "connection refused")};
  if (ec == error::connection_reset || ec == error::broken_pipe)
    return {IoError::reset, fmt::format("{}: connection reset by peer", what)};
  if (ec.category() == asio::error::get_ssl_category() || ec.category() == asio::ssl::error::get_stream_category())
    return {IoError::tls, fmt::format("{}: {}", what, ec.message())};
  return {IoError::other, fmt::format("{}: {}", what, ec.message())};
}

asio::awaitable<IoStatus> ProbeSession::connect_once() {
  boost::system::error_code ignored;
  tls_.reset();
  socket_.close(ignored);
  udp_socket_.close(ignored);
  const asio::ip::address_v4 address(target_.ip);
  const std::uint16_t port = tcp_port_.value_or(target_.port);
  arm(options_.connect_timeout);
  auto [ec] = udp() ? co_await udp_socket_.async_connect({address, port}, nothrow)
                    : co_await socket_.async_connect({address, port}, nothrow);
  co_return status_from(ec, "connect");
}

asio::awaitable<IoStatus> ProbeSession::connect() {
  IoStatus status;
  for (unsigned attempt = 0;; ++attempt) {
    status = co_await connect_once();
    const bool retry =
        status.error == IoError::timeout && attempt < options_.connect_retries && !total_deadline_passed(clock_.now());
    if (!retry) break;
  }
  co_return status;
}

asio::awaitable<IoStatus> ProbeSession::start_tls(boost::json::object& description) {
  tls_wanted_ = true;
  tls_.emplace(socket_, tls_context_);
  arm(options_.read_timeout);
  auto [ec] = co_await tls_->async_handshake(asio::ssl::stream_base::client, nothrow);
  IoStatus status = status_from(ec, "TLS handshake");
  // A peer that closes or resets during the handshake failed the handshake.
  if (!status.ok() && status.error != IoError::timeout) status.error = IoError::tls;
  if (status.ok()) description = describe_tls(tls_->native_handle());
  co_return status;
}

asio::awaitable<ReadResult> ProbeSession::read_some(std::span<std::uint8_t> buffer, std::optional<Nanos> timeout) {
  arm(timeout.value_or(options_.read_timeout));
  const auto asio_buffer = asio::buffer(buffer.data(), buffer.size());
  auto [ec, n] = tls_    ? co_await tls_->async_read_some(asio_buffer, nothrow)
                 : udp() ? co_await udp_socket_.async_receive(asio_buffer, nothrow)
                         : co_await socket_.async_read_some(asio_buffer, nothrow);
  ReadResult result{n, status_from(ec, "read")};
  if (n > 0) result.status = {};  // data first; a following error shows on the next read
  co_return result;
}

asio::awaitable<IoStatus> ProbeSession::write(std::span<const std::uint8_t> bytes) {
  arm(options_.read_timeout);
  const auto asio_buffer = asio::buffer(bytes.data(), bytes.size());
  auto [ec, n] = tls_    ? co_await asio::async_write(*tls_, asio_buffer, nothrow)
                 : udp() ? co_await udp_socket_.async_send(asio_buffer, nothrow)
                         : co_await asio::async_write(socket_, asio_buffer, nothrow);
  (void)n;
  co_return status_from(ec, "write");
}

asio::awaitable<IoStatus> ProbeSession::write(std::string_view text) {
  co_return co_await write(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

asio::awaitable<IoStatus> ProbeSession::reconnect() {
  IoStatus status = co_await connect_once();
  if (status.ok() && tls_wanted_) {
    boost::json::object ignored;
    status = co_await start_tls(ignored);
  }
  co_return status;
}

asio::awaitable<IoStatus> ProbeSession::connect_tcp(std::uint16_t port) {
  tls_wanted_ = false;
  tcp_port_ = port;
  co_return co_await connect();
}

void ProbeSession::close() {
  boost::system::error_code ignored;
  tls_.reset();
  socket_.close(ignored);  // a FIN, or an RST if the peer's data is still unread
  udp_socket_.close(ignored);
  disarm();
}

}  // namespace fumidai::scanner
