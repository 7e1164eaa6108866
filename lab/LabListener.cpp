#include "LabListener.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace fumidai::lab {
namespace {

// The kernel clamps this to net.core.somaxconn, which `lab up` raises to
// match inside the inet namespace.
constexpr int kBacklog = 65535;
// Accepts per socket per wake-up, so one busy port cannot starve the others
// or the signalfd.
constexpr int kAcceptBatch = 1024;

Error errno_error(std::string_view what) { return make_error(fmt::format("{}: {}", what, std::strerror(errno))); }

// accept(2) on Linux passes pending network errors of the new connection
// through; the listening socket itself is fine and the caller should go on.
bool is_transient_accept_error(int error) {
  switch (error) {
    case EINTR:
    case ECONNABORTED:
    case EPROTO:
    case ENETDOWN:
    case ENOPROTOOPT:
    case EHOSTDOWN:
    case ENONET:
    case EHOSTUNREACH:
    case EOPNOTSUPP:
    case ENETUNREACH:
      return true;
    default:
      return false;
  }
}

}  // namespace

Result<LabListener> LabListener::open(const std::vector<std::uint16_t>& ports) {
  LabListener listener;
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  if (sigprocmask(SIG_BLOCK, &stop_signals, nullptr) != 0) return errno_error("cannot block SIGTERM/SIGINT");
  listener.signal_fd_ = signalfd(-1, &stop_signals, SFD_CLOEXEC | SFD_NONBLOCK);
  if (listener.signal_fd_ < 0) return errno_error("cannot create signalfd");

  for (const std::uint16_t port : ports) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return errno_error(fmt::format("cannot create a socket for port {}", port));
    listener.sockets_.push_back(fd);
    const int one = 1;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 || listen(fd, kBacklog) != 0) {
      return errno_error(fmt::format("cannot listen on 0.0.0.0:{}", port));
    }
  }
  return listener;
}

LabListener::LabListener(LabListener&& other) noexcept
    : signal_fd_(std::exchange(other.signal_fd_, -1)), sockets_(std::move(other.sockets_)) {}

LabListener::~LabListener() {
  for (const int fd : sockets_) ::close(fd);
  if (signal_fd_ >= 0) ::close(signal_fd_);
}

Result<> LabListener::run() {
  std::vector<pollfd> fds;
  fds.push_back({signal_fd_, POLLIN, 0});
  for (const int fd : sockets_) fds.push_back({fd, POLLIN, 0});

  while (true) {
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return errno_error("poll failed");
    }
    if (fds[0].revents != 0) return {};  // SIGTERM or SIGINT is pending; that is the stop request.
    for (std::size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      for (int n = 0; n < kAcceptBatch; ++n) {
        const int connection = accept4(fds[i].fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (connection >= 0) {
          ::close(connection);
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
          break;
        } else if (!is_transient_accept_error(errno)) {
          return errno_error("accept failed");
        }
      }
    }
  }
}

}  // namespace fumidai::lab
