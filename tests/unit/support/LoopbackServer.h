#pragma once
// A TCP server on 127.0.0.1 (an ephemeral port) for tests: a thread accepts
// connections and runs `handler(fd)` for each on its own detached-free
// thread, joined on destruction. The handler owns nothing; the server closes
// every fd it accepted when it stops. Loopback only: tests never leave it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

namespace fumidai::test {

class LoopbackServer {
 public:
  using Handler = std::function<void(int fd, const std::atomic<bool>& stopping)>;

  // backlog: the kernel's accept queue; with accept_connections false nothing
  // is accepted, so connects beyond the backlog hang (a connect timeout).
  explicit LoopbackServer(Handler handler, int backlog = 64, bool accept_connections = true)
      : handler_(std::move(handler)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    ::listen(fd_, backlog);
    socklen_t len = sizeof(a);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    if (accept_connections) acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~LoopbackServer() {
    stopping_ = true;
    if (acceptor_.joinable()) acceptor_.join();
    {
      std::lock_guard lock(mutex_);
      for (int fd : accepted_) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : workers_) t.join();
    for (int fd : accepted_) ::close(fd);
    ::close(fd_);
  }
  std::uint16_t port() const { return port_; }

  // Writes all of `bytes`; false once the peer is gone.
  static bool send_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  // Reads until "\r\n\r\n" (a request head) or the peer closes.
  static void read_head(int fd) {
    std::string head;
    char c;
    while (head.find("\r\n\r\n") == std::string::npos && ::recv(fd, &c, 1, 0) == 1) head += c;
  }

 private:
  void accept_loop() {
    while (!stopping_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      std::lock_guard lock(mutex_);
      accepted_.push_back(client);
      workers_.emplace_back([this, client] { handler_(client, stopping_); });
    }
  }

  Handler handler_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<int> accepted_;
  std::vector<std::thread> workers_;
};

}  // namespace fumidai::test
