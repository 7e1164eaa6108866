#pragma once
// One client connection speaking HTTP/1.1, over plain TCP or TLS: reads one
// request at a time (pipelined requests wait in the bounded read buffer and
// are answered in order), hands it to a worker, writes the response, and
// reads the next while keep-alive holds.
// A request with `Expect: 100-continue` gets "100 Continue" once its header
// is read and its declared body is within the limit, or a 413 at once (the
// client then never sends the body). A HEAD response is the GET one without
// its body (Content-Length kept).
// Limits (ServerLimits): header 431, body 413, the whole request within the
// read timeout once its first byte arrived (a slowloris is closed), idle
// keep-alive timeout, write timeout per write, requests per connection.
// A streamed response goes out chunked; the next chunk is pulled on a worker
// only after the previous one was written, so a stream of any length holds
// one chunk in memory.
// Contract: made by the Listener and owned by itself (shared_from_this) while
// it has work pending; everything runs on the connection's strand; the
// services outlive it.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <optional>
#include <string>

#include "fumidai/api/server/ConnectionTracker.h"
#include "fumidai/api/server/SessionServices.h"

namespace fumidai::api {

using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::asio::ssl::stream<boost::beast::tcp_stream>;

template <class Stream>
class HttpSession : public ConnectionTracker::Connection, public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  // `tls` is used by TLS sessions only (and must then be set).
  HttpSession(SessionServices& services, boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls);
  ~HttpSession() override;

  // Registers with the tracker and starts reading (after the TLS handshake).
  void start();
  void begin_drain() override;
  void force_close() override;

 private:
  void read_next();
  void read_request();
  void on_header(boost::beast::error_code ec);
  void read_body();
  void on_read(boost::beast::error_code ec);
  void on_outcome(DispatchOutcome outcome);
  void write_whole();
  void write_stream_header();
  void pull_chunk();
  void on_chunk(Result<std::optional<std::string>> chunk);
  void on_response_written(boost::beast::error_code ec);
  // Graceful: stop sending, read what the client still sends (a little, for
  // a moment) so the last response is not lost to a reset, then close.
  void close();
  void linger();
  // At once: pending operations end with operation_aborted.
  void abort();

  boost::beast::tcp_stream& socket_stream();

  SessionServices& services_;
  std::string remote_;  // before stream_: read from the socket the stream takes over
  Stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  IncomingRequest request_;
  bool request_keep_alive_ = false;
  bool head_ = false;  // the request is a HEAD: headers only
  std::optional<DispatchOutcome> outcome_;
  std::optional<boost::beast::http::response<boost::beast::http::string_body>> whole_;
  std::optional<boost::beast::http::response_serializer<boost::beast::http::string_body>> head_serializer_;
  std::optional<boost::beast::http::response<boost::beast::http::empty_body>> stream_head_;
  std::optional<boost::beast::http::response_serializer<boost::beast::http::empty_body>> stream_serializer_;
  std::string chunk_;
  std::size_t lingered_ = 0;
  std::uint64_t bytes_sent_ = 0;
  std::size_t served_ = 0;
  bool keep_alive_ = false;
  bool idle_ = false;      // waiting for a request's first byte
  bool draining_ = false;  // no new requests: the server is shutting down
  bool closed_ = false;
};

template <>
HttpSession<PlainStream>::HttpSession(SessionServices& services, boost::asio::ip::tcp::socket socket,
                                      boost::asio::ssl::context* tls);
template <>
HttpSession<TlsStream>::HttpSession(SessionServices& services, boost::asio::ip::tcp::socket socket,
                                    boost::asio::ssl::context* tls);
extern template class HttpSession<PlainStream>;
extern template class HttpSession<TlsStream>;

}  // namespace fumidai::api
