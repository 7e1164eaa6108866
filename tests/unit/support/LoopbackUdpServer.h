#pragma once
// A UDP server on 127.0.0.1 (an ephemeral port) for tests: a thread reads
// datagrams and hands each to `handler(datagram)`, which returns the
// datagrams to send back to its sender (none: stay silent). Counts what
// arrived. Stops and joins on destruction. Loopback only.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace fumidai::test {

class LoopbackUdpServer {
 public:
  using Handler = std::function<std::vector<std::string>(const std::string& datagram)>;

  explicit LoopbackUdpServer(Handler handler) : handler_(std::move(handler)) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    socklen_t len = sizeof(a);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { loop(); });
  }
  ~LoopbackUdpServer() {
    stopping_ = true;
    thread_.join();
    ::close(fd_);
  }
  LoopbackUdpServer(const LoopbackUdpServer&) = delete;
  LoopbackUdpServer& operator=(const LoopbackUdpServer&) = delete;

  std::uint16_t port() const { return port_; }
  int datagrams() const { return datagrams_; }

 private:
  void loop() {
    std::string buffer(65536, '\0');
    while (!stopping_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 5) <= 0) continue;
      sockaddr_in from{};
      socklen_t len = sizeof(from);
      const ssize_t n = ::recvfrom(fd_, buffer.data(), buffer.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n < 0) continue;
      ++datagrams_;
      for (const std::string& reply : handler_(buffer.substr(0, static_cast<std::size_t>(n))))
        ::sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
    }
  }

  Handler handler_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> datagrams_{0};
  std::thread thread_;
};

}  // namespace fumidai::test
