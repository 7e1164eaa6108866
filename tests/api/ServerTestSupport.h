#pragma once
// What the server tests share: test doubles of the access-control interfaces
// and a HandlerContext, a server running on 127.0.0.1 (ephemeral port) in a
// thread of its own, and a small HTTP client with a deadline on every read.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fumidai/api/AccessControl.h"
#include "fumidai/api/HandlerContext.h"
#include "fumidai/api/RouteRegistry.h"
#include "fumidai/api/metrics/ServerMetrics.h"
#include "fumidai/api/server/ApiServer.h"
#include "fumidai/core/SystemClock.h"

namespace fumidai::api::testing {

namespace http = boost::beast::http;
using namespace std::chrono_literals;

// Guards against a hang; never a timing assertion.
constexpr auto kGuard = 20s;

class FakeAuthenticator : public Authenticator {
 public:
  Result<std::optional<Principal>> authenticate(std::string_view token) override {
    std::lock_guard lock(mutex_);
    if (fail_) return make_error("key store down");
    const auto it = keys_.find(std::string(token));
    if (it == keys_.end()) return std::optional<Principal>();
    return std::optional<Principal>(it->second);
  }
  void add(std::string token, std::int64_t id, Role role) {
    std::lock_guard lock(mutex_);
    Principal principal;
    principal.key_id = id;
    principal.key_name = "key-" + token;
    principal.role = role;
    keys_[std::move(token)] = principal;
  }
  void fail(bool fail) {
    std::lock_guard lock(mutex_);
    fail_ = fail;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, Principal> keys_;
  bool fail_ = false;
};

class FakeRateLimiter : public RateLimiter {
 public:
  std::optional<std::chrono::nanoseconds> admit(const Principal& who) override {
    std::lock_guard lock(mutex_);
    if (limited_.count(who.key_id)) return std::chrono::milliseconds(2500);
    return std::nullopt;
  }
  void limit(std::int64_t key_id) {
    std::lock_guard lock(mutex_);
    limited_.insert(key_id);
  }

 private:
  std::mutex mutex_;
  std::set<std::int64_t> limited_;
};

class RecordingAuditSink : public AuditSink {
 public:
  void record(AuditEntry entry) override {
    std::lock_guard lock(mutex_);
    entries_.push_back(std::move(entry));
  }
  std::vector<AuditEntry> entries() {
    std::lock_guard lock(mutex_);
    return entries_;
  }

 private:
  std::mutex mutex_;
  std::vector<AuditEntry> entries_;
};

// No database here: database() is an error (handlers answer 503).
class NoDatabaseContext : public HandlerContext {
 public:
  Result<db::PooledSession> database() override { return make_error("no database in this test"); }
  Clock& clock() override { return clock_; }

 private:
  SystemClock clock_;
};

// A server with its doubles, running until the fixture ends.
class TestServer {
 public:
  TestServer(RouteRegistry& routes, ServerMetrics& server_metrics, ServerLimits limits = {},
             std::shared_ptr<TlsContext> tls = nullptr, std::size_t worker_threads = 4)
      : metrics(server_metrics),
        server_(ServerDependencies{.routes = routes,
                                   .authenticator = authenticator,
                                   .rate_limiter = rate_limiter,
                                   .audit = audit,
                                   .context = context,
                                   .clock = clock,
                                   .metrics = metrics,
                                   .limits = limits,
                                   .tls = std::move(tls),
                                   .io_threads = 2,
                                   .worker_threads = worker_threads,
                                   .log = [this](std::string_view line) {
                                     std::lock_guard lock(log_mutex_);
                                     log_.emplace_back(line);
                                   }}) {
    auto listening = server_.listen("127.0.0.1", 0);
    EXPECT_TRUE(listening) << listening.error().message;
    thread_ = std::thread([this] { server_.run(); });
  }
  ~TestServer() { stop(); }
  void stop() {
    server_.shutdown();
    if (thread_.joinable()) thread_.join();
  }
  std::uint16_t port() const { return server_.port(); }
  ApiServer& server() { return server_; }
  std::vector<std::string> log() {
    std::lock_guard lock(log_mutex_);
    return log_;
  }

  FakeAuthenticator authenticator;
  FakeRateLimiter rate_limiter;
  RecordingAuditSink audit;
  NoDatabaseContext context;
  SystemClock clock;
  ServerMetrics& metrics;

 private:
  std::mutex log_mutex_;
  std::vector<std::string> log_;
  ApiServer server_;
  std::thread thread_;
};

// One client connection, plain or TLS; every read has a deadline.
template <class Stream>
class BasicClient {
 public:
  // `source`: the loopback address to connect from (another client, to the server).
  explicit BasicClient(std::uint16_t port, boost::asio::ssl::context* tls = nullptr, const char* source = nullptr)
      : stream_(make_stream(tls)) {
    auto& socket = boost::beast::get_lowest_layer(stream_).socket();
    if (source) {
      socket.open(boost::asio::ip::tcp::v4());
      socket.bind(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address(source), 0));
    }
    socket.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    if constexpr (!std::is_same_v<Stream, boost::beast::tcp_stream>)
      stream_.handshake(boost::asio::ssl::stream_base::client);
  }

  void send(const std::string& bytes) { boost::asio::write(stream_, boost::asio::buffer(bytes)); }

  // The next response, or nullopt if the connection closed or the guard ran out.
  // `head`: the answer to a HEAD, whose header describes a body never sent.
  std::optional<http::response<http::string_body>> read(std::size_t body_limit = 128 * 1024 * 1024, bool head = false) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(body_limit);
    parser.skip(head);
    boost::beast::error_code result = boost::asio::error::timed_out;
    boost::beast::get_lowest_layer(stream_).expires_after(kGuard);
    http::async_read(stream_, buffer_, parser, [&](boost::beast::error_code ec, std::size_t) { result = ec; });
    io_.restart();
    io_.run();
    if (result) return std::nullopt;
    return parser.release();
  }

  std::optional<http::response<http::string_body>> get(const std::string& target,
                                                       const std::string& extra_headers = "") {
    send("GET " + target + " HTTP/1.1\r\nHost: test\r\n" + extra_headers + "\r\n");
    return read();
  }

  // Whether the server closed the connection (EOF or reset) before the guard.
  bool closed_by_server() {
    boost::beast::error_code result;
    char byte = 0;
    boost::beast::get_lowest_layer(stream_).expires_after(kGuard);
    bool done = false;
    std::function<void()> next;
    next = [&] {
      stream_.async_read_some(boost::asio::buffer(&byte, 1), [&](boost::beast::error_code ec, std::size_t) {
        if (!ec) return next();  // data still arriving (a response): keep reading
        result = ec;
        done = true;
      });
    };
    next();
    io_.restart();
    io_.run();
    return done && result != boost::beast::error::timeout;
  }

  Stream& stream() { return stream_; }

 private:
  Stream make_stream(boost::asio::ssl::context* tls) {
    if constexpr (std::is_same_v<Stream, boost::beast::tcp_stream>) {
      return Stream(io_);
    } else {
      return Stream(io_, *tls);
    }
  }

  boost::asio::io_context io_;
  Stream stream_;
  boost::beast::flat_buffer buffer_;
};

using Client = BasicClient<boost::beast::tcp_stream>;

}  // namespace fumidai::api::testing
