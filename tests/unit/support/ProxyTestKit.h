#pragma once
// For the proxy probes' tests: fake proxies on 127.0.0.1 that record every
// destination a client asks them for and, when it is the canary, really
// relay to it (a LoopbackCanary), so that "proven" is end to end on
// loopback; and one grab through the real engine on a ManualClock.
// Loopback only.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "LoopbackServer.h"
#include "fumidai/core/ManualClock.h"
#include "fumidai/scanner/grab/GrabEngine.h"
#include "fumidai/scanner/grab/ProbeRegistry.h"

namespace fumidai::test {

// Every destination asked for, as "a.b.c.d:port" (or a Host header's text).
class Destinations {
 public:
  void add(std::string destination) {
    std::lock_guard lock(mutex_);
    list_.push_back(std::move(destination));
  }
  std::vector<std::string> list() const {
    std::lock_guard lock(mutex_);
    return list_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> list_;
};

inline std::string authority(std::uint32_t ip, std::uint16_t port) {
  return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 255) + "." + std::to_string((ip >> 8) & 255) +
         "." + std::to_string(ip & 255) + ":" + std::to_string(port);
}

// A connection to 127.0.0.1:port, or -1.
inline int connect_loopback(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Copies bytes both ways until either side closes or the server stops.
inline void pipe_both_ways(int a, int b, const std::atomic<bool>& stopping) {
  char buffer[4096];
  while (!stopping) {
    pollfd fds[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
    if (::poll(fds, 2, 20) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = ::recv(fds[i].fd, buffer, sizeof buffer, 0);
      if (n <= 0) {
        ::shutdown(fds[1 - i].fd, SHUT_WR);
        return;
      }
      LoopbackServer::send_all(fds[1 - i].fd, std::string_view(buffer, static_cast<std::size_t>(n)));
    }
  }
}

// Reads exactly `n` bytes (fewer if the peer closes).
inline std::string read_exactly(int fd, std::size_t n) {
  std::string out;
  char c;
  while (out.size() < n && ::recv(fd, &c, 1, 0) == 1) out += c;
  return out;
}

// Reads a request head (through its empty line), or what came before the close.
inline std::string read_head(int fd) {
  std::string head;
  char c;
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536 && ::recv(fd, &c, 1, 0) == 1) head += c;
  return head;
}

// One target grabbed with one module by the real engine; time on a
// ManualClock moved in steps until the record is out.
inline scanner::GrabRecord grab_one(std::string_view module, std::uint16_t port, scanner::GrabOptions options,
                                    std::string_view profile_text = {}) {
  using namespace std::chrono_literals;
  scanner::ProbeRegistry registry;
  scanner::register_builtin_probes(registry);
  std::optional<scanner::PortProfile> profile;
  if (profile_text.empty())
    profile.emplace(scanner::PortProfile::single(*registry.find(module)));
  else
    profile.emplace(scanner::PortProfile::parse(profile_text, "test", registry).value());
  struct OneTarget final : scanner::TargetSource {
    std::optional<scanner::GrabTarget> target;
    std::optional<scanner::GrabTarget> try_next() override { return std::exchange(target, std::nullopt); }
    bool exhausted() const override { return !target; }
  } source;
  source.target = scanner::GrabTarget{0x7f000001, port};
  boost::asio::io_context io;
  ManualClock clock{Nanos{1'000'000'000}};
  scanner::IntervalSet blocklist;
  std::vector<scanner::GrabRecord> records;
  scanner::GrabEngine engine(io, clock, std::move(options), *profile, blocklist, source,
                             [&](const scanner::GrabRecord& r) { records.push_back(r); });
  const auto settle = [&] {
    for (int i = 0; i < 40; ++i) {
      engine.tick();
      io.restart();
      io.run_for(2ms);
    }
  };
  settle();
  for (int i = 0; i < 400 && !engine.finished(); ++i) {
    clock.advance(500ms);
    settle();
  }
  if (records.size() != 1) return scanner::GrabRecord{};
  return records.front();
}

inline scanner::GrabOptions proxy_test_options() {
  scanner::GrabOptions o;
  o.connect_rate = 0;
  o.connect_timeout = std::chrono::seconds(2);
  o.read_timeout = std::chrono::seconds(5);
  o.total_timeout = std::chrono::seconds(20);
  o.fetch_favicon = false;
  return o;
}

}  // namespace fumidai::test
