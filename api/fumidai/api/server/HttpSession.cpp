#include "fumidai/api/server/HttpSession.h"

#include <fmt/format.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <type_traits>

namespace fumidai::api {
namespace {

namespace http = boost::beast::http;
using boost::beast::error_code;

// How much a connection reads at once, and how much of a request's bytes it
// buffers beyond the header limit: what a pipelining client can park here.
constexpr std::size_t kReadChunk = 16 * 1024;
constexpr std::size_t kBufferSlack = 64 * 1024;
// A closing connection reads and drops at most this much, for at most this long.
constexpr std::size_t kLingerBytes = 64 * 1024;
constexpr std::chrono::seconds kLingerTime{2};

// The interim response to `Expect: 100-continue` (RFC 9110 10.1.1).
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

bool expects_continue(std::string_view expect) {
  constexpr std::string_view token = "100-continue";
  while (!expect.empty() && (expect.front() == ' ' || expect.front() == '\t')) expect.remove_prefix(1);
  while (!expect.empty() && (expect.back() == ' ' || expect.back() == '\t')) expect.remove_suffix(1);
  if (expect.size() != token.size()) return false;
  for (std::size_t i = 0; i < token.size(); ++i) {
    const char c = expect[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != token[i]) return false;
  }
  return true;
}

bool is_http_error(const error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category();
}

bool safe_header(const std::string& text) { return text.find_first_of("\r\n") == std::string::npos && !text.empty(); }

template <class Message>
void set_headers(Message& message, const DispatchOutcome& outcome) {
  message.set(http::field::content_type, outcome.response.content_type);
  message.set("X-Request-Id", outcome.request_id);
  for (const auto& [name, value] : outcome.response.headers) {
    if (safe_header(name) && (value.empty() || safe_header(value))) message.insert(name, value);
  }
}

std::string peer(boost::asio::ip::tcp::socket& socket) {
  error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  return ec ? std::string() : endpoint.address().to_string();
}

}  // namespace

template <>
HttpSession<PlainStream>::HttpSession(SessionServices& services, boost::asio::ip::tcp::socket socket,
                                      boost::asio::ssl::context*)
    : services_(services),
      remote_(peer(socket)),
      stream_(std::move(socket)),
      buffer_(services.limits.header_bytes + kBufferSlack) {}

template <>
HttpSession<TlsStream>::HttpSession(SessionServices& services, boost::asio::ip::tcp::socket socket,
                                    boost::asio::ssl::context* tls)
    : services_(services),
      remote_(peer(socket)),
      stream_(std::move(socket), *tls),
      buffer_(services.limits.header_bytes + kBufferSlack) {}

template <class Stream>
HttpSession<Stream>::~HttpSession() {
  services_.tracker.remove(this);
}

template <class Stream>
boost::beast::tcp_stream& HttpSession<Stream>::socket_stream() {
  return boost::beast::get_lowest_layer(stream_);
}

template <class Stream>
void HttpSession<Stream>::start() {
  services_.tracker.add(this, this->weak_from_this());
  boost::asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      self->socket_stream().expires_after(self->services_.limits.read_timeout);
      self->stream_.async_handshake(boost::asio::ssl::stream_base::server, [self](error_code ec) {
        if (ec) return self->abort();
        self->read_next();
      });
    } else {
      self->read_next();
    }
  });
}

template <class Stream>
void HttpSession<Stream>::begin_drain() {
  boost::asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
    self->draining_ = true;
    // A connection waiting for its next request has nothing in flight: its
    // read is cancelled and it closes. A busy one closes after its response.
    if (self->idle_) self->socket_stream().cancel();
  });
}

template <class Stream>
void HttpSession<Stream>::force_close() {
  boost::asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->abort(); });
}

template <class Stream>
void HttpSession<Stream>::read_next() {
  if (closed_) return;
  if (draining_ || served_ >= services_.limits.requests_per_connection) return close();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(services_.limits.header_bytes));
  parser_->body_limit(services_.limits.body_bytes);
  if (buffer_.size() > 0) return read_request();  // pipelined: the next request is here already
  idle_ = true;
  socket_stream().expires_after(services_.limits.idle_timeout);
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          [self = this->shared_from_this()](error_code ec, std::size_t bytes) {
                            self->idle_ = false;
                            if (ec || self->closed_) return self->close();
                            self->buffer_.commit(bytes);
                            self->read_request();
                          });
}

template <class Stream>
void HttpSession<Stream>::read_request() {
  // One deadline for the whole request: a client trickling bytes (slowloris)
  // is cut off here however steadily it sends.
  socket_stream().expires_after(services_.limits.read_timeout);
  // The header first: a client waiting for "100 Continue" sends its body only
  // after it. A declared Content-Length beyond the body limit already fails
  // here (body_limit), so the 413 goes out before any body is sent.
  http::async_read_header(stream_, buffer_, *parser_,
                          [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_header(ec); });
}

template <class Stream>
void HttpSession<Stream>::on_header(error_code ec) {
  if (ec || closed_ || parser_->is_done()) return on_read(ec);
  const auto& header = parser_->get();
  // HTTP/1.0 clients cannot expect it (RFC 9110 10.1.1: ignore it there).
  if (header.version() < 11 || !expects_continue(header[http::field::expect])) return read_body();
  boost::asio::async_write(stream_, boost::asio::buffer(kContinue.data(), kContinue.size()),
                           [self = this->shared_from_this()](error_code write_ec, std::size_t) {
                             if (write_ec) return self->abort();
                             self->read_body();
                           });
}

template <class Stream>
void HttpSession<Stream>::read_body() {
  http::async_read(stream_, buffer_, *parser_,
                   [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
}

template <class Stream>
void HttpSession<Stream>::on_read(error_code ec) {
  if (closed_) return;
  request_ = IncomingRequest();
  request_.remote = remote_;
  request_.arrived = services_.clock.now();
  request_keep_alive_ = false;
  head_ = false;
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    return on_outcome(
        services_.dispatcher.refuse(431, "Request Header Fields Too Large",
                                    fmt::format("request headers exceed {} bytes", services_.limits.header_bytes)));
  }
  if (ec == http::error::body_limit) {
    return on_outcome(services_.dispatcher.refuse(
        413, "Content Too Large", fmt::format("request body exceeds {} bytes", services_.limits.body_bytes)));
  }
  if (ec && is_http_error(ec) && ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return on_outcome(services_.dispatcher.refuse(400, "Bad Request", "malformed HTTP request"));
  }
  if (ec) return close();  // the client left, or timed out (a slowloris): nobody to answer

  auto& message = parser_->get();
  request_.method = std::string(message.method_string());
  head_ = message.method() == http::verb::head;
  request_.target = std::string(message.target());
  if (const auto it = message.find(http::field::authorization); it != message.end()) {
    request_.authorization = std::string(it->value());
  }
  if (const auto it = message.find(http::field::content_type); it != message.end()) {
    request_.content_type = std::string(it->value());
  }
  request_.body = std::move(message.body());
  request_keep_alive_ = message.keep_alive();
  parser_.reset();
  // The handler's time is not the client's: no deadline while it runs.
  socket_stream().expires_never();

  auto self = this->shared_from_this();
  // Keeps the I/O threads running while the handler has the request.
  auto executor = boost::asio::prefer(stream_.get_executor(), boost::asio::execution::outstanding_work.tracked);
  const bool queued = services_.workers.try_submit([self, executor] {
    DispatchOutcome outcome = self->services_.dispatcher.dispatch(self->request_);
    boost::asio::post(executor,
                      [self, outcome = std::move(outcome)]() mutable { self->on_outcome(std::move(outcome)); });
  });
  if (!queued) on_outcome(services_.dispatcher.refuse(503, "Service Unavailable", "the server is busy; try again"));
}

template <class Stream>
void HttpSession<Stream>::on_outcome(DispatchOutcome outcome) {
  outcome_ = std::move(outcome);
  bytes_sent_ = 0;
  ++served_;
  if (closed_) return on_response_written(boost::asio::error::operation_aborted);
  keep_alive_ = request_keep_alive_ && !draining_ && !services_.tracker.draining() &&
                served_ < services_.limits.requests_per_connection;
  if (outcome_->response.stream) return write_stream_header();
  write_whole();
}

template <class Stream>
void HttpSession<Stream>::write_whole() {
  auto& response = outcome_->response;
  whole_.emplace(static_cast<http::status>(response.status), 11);
  set_headers(*whole_, *outcome_);
  whole_->body() = std::move(response.body);
  whole_->keep_alive(keep_alive_);
  whole_->prepare_payload();
  socket_stream().expires_after(services_.limits.write_timeout);
  if (head_) {
    // The GET response's header, Content-Length included, and nothing more.
    head_serializer_.emplace(*whole_);
    http::async_write_header(stream_, *head_serializer_, [self = this->shared_from_this()](error_code ec, std::size_t) {
      self->on_response_written(ec);
    });
    return;
  }
  bytes_sent_ = whole_->body().size();
  http::async_write(stream_, *whole_,
                    [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_response_written(ec); });
}

template <class Stream>
void HttpSession<Stream>::write_stream_header() {
  stream_head_.emplace(static_cast<http::status>(outcome_->response.status), 11);
  set_headers(*stream_head_, *outcome_);
  stream_head_->keep_alive(keep_alive_);
  stream_head_->chunked(true);
  stream_serializer_.emplace(*stream_head_);
  socket_stream().expires_after(services_.limits.write_timeout);
  http::async_write_header(stream_, *stream_serializer_, [self = this->shared_from_this()](error_code ec, std::size_t) {
    if (ec || self->head_) return self->on_response_written(ec);
    self->pull_chunk();
  });
}

template <class Stream>
void HttpSession<Stream>::pull_chunk() {
  if (closed_) return on_response_written(boost::asio::error::operation_aborted);
  socket_stream().expires_never();
  auto self = this->shared_from_this();
  auto executor = boost::asio::prefer(stream_.get_executor(), boost::asio::execution::outstanding_work.tracked);
  const bool queued = services_.workers.submit_continuation([self, executor] {
    Result<std::optional<std::string>> chunk = std::optional<std::string>();
    try {
      chunk = self->outcome_->response.stream->next_chunk();
    } catch (const std::exception& e) {
      chunk = make_error(fmt::format("stream threw: {}", e.what()));
    } catch (...) {
      chunk = make_error("stream threw an unknown exception");
    }
    boost::asio::post(executor, [self, chunk = std::move(chunk)]() mutable { self->on_chunk(std::move(chunk)); });
  });
  if (!queued) on_chunk(make_error("the server is stopping"));
}

template <class Stream>
void HttpSession<Stream>::on_chunk(Result<std::optional<std::string>> chunk) {
  if (closed_) return on_response_written(boost::asio::error::operation_aborted);
  if (!chunk) {
    // The status line is long gone: closing without the last chunk is how
    // the client learns the body is incomplete.
    services_.log(fmt::format("request {}: stream failed: {}", outcome_->request_id, chunk.error().message));
    return on_response_written(boost::asio::error::operation_aborted);
  }
  socket_stream().expires_after(services_.limits.write_timeout);
  auto self = this->shared_from_this();
  if (!*chunk) {
    boost::asio::async_write(stream_, http::make_chunk_last(),
                             [self](error_code ec, std::size_t) { self->on_response_written(ec); });
    return;
  }
  if ((*chunk)->empty()) return pull_chunk();  // an empty chunk would end the body
  chunk_ = std::move(**chunk);
  bytes_sent_ += chunk_.size();
  boost::asio::async_write(stream_, http::make_chunk(boost::asio::buffer(chunk_)), [self](error_code ec, std::size_t) {
    if (ec) return self->on_response_written(ec);
    self->pull_chunk();
  });
}

template <class Stream>
void HttpSession<Stream>::on_response_written(error_code ec) {
  services_.dispatcher.finish(request_, *outcome_, bytes_sent_);
  outcome_.reset();
  head_serializer_.reset();
  whole_.reset();
  stream_serializer_.reset();
  stream_head_.reset();
  chunk_ = std::string();
  if (ec) return abort();
  if (!keep_alive_) return close();
  read_next();
}

template <class Stream>
void HttpSession<Stream>::close() {
  if (closed_) return;
  closed_ = true;
  if constexpr (std::is_same_v<Stream, TlsStream>) {
    socket_stream().expires_after(kLingerTime);
    stream_.async_shutdown([self = this->shared_from_this()](error_code) { self->socket_stream().close(); });
  } else {
    error_code ignored;
    socket_stream().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
    socket_stream().expires_after(kLingerTime);
    linger();
  }
}

template <class Stream>
void HttpSession<Stream>::linger() {
  buffer_.clear();
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          [self = this->shared_from_this()](error_code ec, std::size_t bytes) {
                            self->lingered_ += bytes;
                            if (ec || self->lingered_ >= kLingerBytes) return self->socket_stream().close();
                            self->linger();
                          });
}

template <class Stream>
void HttpSession<Stream>::abort() {
  closed_ = true;
  socket_stream().close();
}

template class HttpSession<PlainStream>;
template class HttpSession<TlsStream>;

}  // namespace fumidai::api
