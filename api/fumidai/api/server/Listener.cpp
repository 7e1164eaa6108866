#include "fumidai/api/server/Listener.h"

#include <fmt/format.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>

#include "fumidai/api/server/HttpSession.h"

namespace fumidai::api {

Listener::Listener(boost::asio::io_context& io, SessionServices& services, boost::asio::ssl::context* tls)
    : io_(io),
      services_(services),
      tls_(tls),
      acceptor_(boost::asio::make_strand(io)),
      retry_(acceptor_.get_executor()) {}

Result<> Listener::bind(const boost::asio::ip::tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  const auto failed = [&](std::string_view what) {
    return make_input_error(fmt::format("cannot listen on {}:{}: {} ({})", endpoint.address().to_string(),
                                        endpoint.port(), what, ec.message()));
  };
  if (acceptor_.open(endpoint.protocol(), ec)) return failed("open");
  if (acceptor_.set_option(boost::asio::socket_base::reuse_address(true), ec)) return failed("SO_REUSEADDR");
  if (acceptor_.bind(endpoint, ec)) return failed("bind");
  if (acceptor_.listen(boost::asio::socket_base::max_listen_connections, ec)) return failed("listen");
  return {};
}

boost::asio::ip::tcp::endpoint Listener::local_endpoint() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void Listener::start() {
  boost::asio::dispatch(acceptor_.get_executor(), [self = shared_from_this()] { self->accept(); });
}

void Listener::close() {
  boost::asio::dispatch(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_.cancel();
  });
}

void Listener::accept() {
  if (!acceptor_.is_open()) return;
  acceptor_.async_accept(
      boost::asio::make_strand(io_),
      [self = shared_from_this()](boost::system::error_code ec, boost::asio::ip::tcp::socket socket) {
        self->on_accept(ec, std::move(socket));
      });
}

void Listener::on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket) {
  if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // Out of descriptors or memory, most likely: pause rather than spin.
    services_.log(fmt::format("accept failed: {}", ec.message()));
    retry_.expires_after(std::chrono::milliseconds(100));
    retry_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
      if (!wait_ec) self->accept();
    });
    return;
  }
  if (!services_.tracker.admit()) {
    boost::system::error_code ignored;
    socket.close(ignored);
  } else if (tls_ != nullptr) {
    std::make_shared<HttpSession<TlsStream>>(services_, std::move(socket), tls_)->start();
  } else {
    std::make_shared<HttpSession<PlainStream>>(services_, std::move(socket), nullptr)->start();
  }
  accept();
}

}  // namespace fumidai::api
