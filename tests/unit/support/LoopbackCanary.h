#pragma once
// A `fumidai canary` on 127.0.0.1 (an ephemeral port) for tests: its own
// io_context on its own thread, a fixed test key, a log in a temporary file,
// and time from the clock the test gives it. Stops and joins on destruction.
// Loopback only.
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cstdlib>
#include <fstream>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "fumidai/core/Clock.h"
#include "fumidai/scanner/canary/CanaryEndpoint.h"
#include "fumidai/scanner/canary/CanaryServer.h"

namespace fumidai::test {

class LoopbackCanary {
 public:
  // 32 bytes: 00 01 02 ... 1f.
  static constexpr std::string_view kKeyHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

  static scanner::CanaryKey test_key() { return scanner::CanaryKey::from_hex(kKeyHex).value(); }

  LoopbackCanary(Clock& clock, scanner::CanaryLimits limits = {}) {
    char path[] = "/tmp/fumidai-canary-test-XXXXXX";
    const int fd = ::mkstemp(path);
    ::close(fd);
    log_path_ = path;
    log_.emplace(scanner::CanaryLog::open(log_path_).value());
    server_ = std::move(scanner::CanaryServer::open(
                            io_, clock, limits, {boost::asio::ip::make_address_v4("127.0.0.1"), 0}, test_key(), *log_)
                            .value());
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  LoopbackCanary(const LoopbackCanary&) = delete;
  LoopbackCanary& operator=(const LoopbackCanary&) = delete;
  ~LoopbackCanary() {
    boost::asio::post(io_, [this] { server_->stop(); });
    thread_.join();
    server_.reset();
    ::unlink(log_path_.c_str());
  }

  std::uint16_t port() const { return server_->local_endpoint().port(); }
  scanner::CanaryEndpoint endpoint() const { return {0x7f000001, port(), test_key()}; }

  // Runs f() on the canary's thread and returns its result.
  template <class F>
  auto on_loop(F f) -> decltype(f()) {
    std::promise<decltype(f())> result;
    boost::asio::post(io_, [&] { result.set_value(f()); });
    return result.get_future().get();
  }

  // Read on the canary's thread.
  scanner::CanaryStats stats() {
    return on_loop([this] { return server_->stats(); });
  }
  std::size_t connections() {
    return on_loop([this] { return server_->connections(); });
  }
  std::vector<std::string> log_lines() const {
    std::ifstream in(log_path_);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

 private:
  boost::asio::io_context io_;
  std::string log_path_;
  std::optional<scanner::CanaryLog> log_;
  std::unique_ptr<scanner::CanaryServer> server_;
  std::thread thread_;
};

}  // namespace fumidai::test
