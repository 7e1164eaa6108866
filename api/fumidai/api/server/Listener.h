#pragma once
// Accepts connections on one address and starts a session for each, plain or
// TLS. Beyond the connection cap a new connection is closed at once (and
// counted) so the cap holds whatever clients do.
// Contract: made and started by ApiServer; its handlers run on the
// io_context's threads; close() may be called from any thread. The services
// and the TLS context outlive it.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "fumidai/api/server/SessionServices.h"
#include "fumidai/core/Error.h"

namespace fumidai::api {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // `tls` null: plain HTTP.
  Listener(boost::asio::io_context& io, SessionServices& services, boost::asio::ssl::context* tls);

  Result<> bind(const boost::asio::ip::tcp::endpoint& endpoint);
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  void start();
  void close();

 private:
  void accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  SessionServices& services_;
  boost::asio::ssl::context* tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;
};

}  // namespace fumidai::api
