// ReverseDnsResolver against a real dnsmasq this test starts on
// 127.0.0.1 (a free high port, its own config, hosts file and pid file in a
// temporary directory, running as the current user), plus sockets that
// never answer. Skips only when dnsmasq is not installed.
#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "fumidai/scanner/dns/ReverseDnsResolver.h"

extern char** environ;

using namespace fumidai;
using namespace fumidai::scanner;
namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t ip(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  return std::uint32_t{a} << 24 | std::uint32_t{b} << 16 | std::uint32_t{c} << 8 | d;
}

constexpr std::uint32_t kRouter = ip(192, 0, 2, 7);
constexpr int kHosts = 1000;
// 198.18.0.1 .. : h0.example.test, h1.example.test, ...
std::uint32_t host_ip(int i) {
  return ip(198, 18, static_cast<std::uint8_t>(i / 250), static_cast<std::uint8_t>(i % 250 + 1));
}

// A socket bound to 127.0.0.1 on a port the kernel picked; -1 on failure.
int bound_socket(int type, std::uint16_t port, std::uint16_t* chosen) {
  const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    return -1;
  }
  if (chosen != nullptr) *chosen = ntohs(address.sin_port);
  return fd;
}

// A UDP and TCP port on 127.0.0.1 free a moment ago.
std::uint16_t free_port() {
  // A UDP port the kernel picked may be taken on TCP by a test running
  // alongside: try another.
  for (int attempt = 0; attempt < 20; ++attempt) {
    std::uint16_t port = 0;
    const int udp = bound_socket(SOCK_DGRAM, 0, &port);
    const int tcp = udp >= 0 ? bound_socket(SOCK_STREAM, port, nullptr) : -1;
    if (udp >= 0) ::close(udp);
    if (tcp < 0) continue;
    ::close(tcp);
    return port;
  }
  return 0;
}

bool accepts_tcp(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

std::optional<std::string> find_dnsmasq() {
  for (const char* path : {"/usr/sbin/dnsmasq", "/usr/bin/dnsmasq", "/sbin/dnsmasq"})
    if (::access(path, X_OK) == 0) return std::string(path);
  return std::nullopt;
}

// One dnsmasq, started by this process and stopped by its pid.
class Dnsmasq {
 public:
  ~Dnsmasq() { stop(); }

  bool start(const std::string& binary) {
    char pattern[] = "/tmp/fumidai-dns-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) return false;
    dir_ = pattern;
    {
      std::ofstream hosts(dir_ / "hosts");
      hosts << "192.0.2.7 router.example.test\n";
      for (int i = 0; i < kHosts; ++i) {
        const std::uint32_t a = host_ip(i);
        hosts << (a >> 24) << '.' << ((a >> 16) & 255) << '.' << ((a >> 8) & 255) << '.' << (a & 255) << " h" << i
              << ".example.test\n";
      }
    }
    const passwd* user = ::getpwuid(::getuid());
    const group* grp = ::getgrgid(::getgid());
    if (user == nullptr || grp == nullptr) return false;
    // The port may be taken between free_port() and dnsmasq's bind: retry.
    for (int attempt = 0; attempt < 5; ++attempt) {
      port_ = free_port();
      if (port_ == 0) continue;
      std::vector<std::string> args = {
          binary,
          "--keep-in-foreground",
          "--conf-file=/dev/null",
          "--no-resolv",
          "--no-hosts",
          "--addn-hosts=" + (dir_ / "hosts").string(),
          "--local=/in-addr.arpa/",  // authoritative: unknown addresses are NXDOMAIN
          "--listen-address=127.0.0.1",
          "--bind-interfaces",
          "--port=" + std::to_string(port_),
          "--pid-file=" + (dir_ / "pid").string(),
          "--log-facility=" + (dir_ / "log").string(),
          std::string("--user=") + user->pw_name,
          std::string("--group=") + grp->gr_name,
      };
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      if (::posix_spawn(&pid_, binary.c_str(), nullptr, nullptr, argv.data(), environ) != 0) return false;
      for (int i = 0; i < 200; ++i) {  // up to ~10 s for it to listen
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;
          break;
        }
        if (accepts_tcp(port_)) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      stop();
    }
    return false;
  }

  void stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }

  void remove_files() {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  std::string server() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string log() const {
    std::ifstream in(dir_ / "log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  fs::path dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

struct Outcome {
  int calls = 0;
  std::optional<std::string> name;
  std::string error;
};

ReverseDnsResolver::Callback record(Outcome& o) {
  return [&o](Result<std::string> r) {
    ++o.calls;
    if (r)
      o.name = *r;
    else
      o.error = r.error().message;
  };
}

class ReverseDns : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto binary = find_dnsmasq();
    if (!binary) return;
    dnsmasq_ = new Dnsmasq();
    if (!dnsmasq_->start(*binary)) start_failed_ = true;
  }
  static void TearDownTestSuite() {
    if (dnsmasq_ != nullptr) {
      dnsmasq_->stop();
      dnsmasq_->remove_files();
    }
    delete dnsmasq_;
    dnsmasq_ = nullptr;
  }
  void SetUp() override {
    if (dnsmasq_ == nullptr) GTEST_SKIP() << "dnsmasq is not installed";
    ASSERT_FALSE(start_failed_) << "dnsmasq did not start; its log:\n" << dnsmasq_->log();
  }

  std::unique_ptr<ReverseDnsResolver> make(ReverseDnsResolver::Options options = {}) {
    if (options.servers.empty()) options.servers = {dnsmasq_->server()};
    auto resolver = ReverseDnsResolver::create(io_, options);
    EXPECT_TRUE(resolver) << (resolver ? "" : resolver.error().message);
    return resolver ? std::move(*resolver) : nullptr;
  }

  // A guard against a hang, not a timing assertion: run() returns as soon as
  // every lookup has been answered.
  void run() { io_.run_for(std::chrono::seconds(30)); }

  boost::asio::io_context io_;
  static inline Dnsmasq* dnsmasq_ = nullptr;
  static inline bool start_failed_ = false;
};

}  // namespace

TEST(ReverseDnsOptions, RejectsBadServersAndLimitsNamingThem) {
  boost::asio::io_context io;
  for (const std::string bad : {"1.2.3", "1.2.3.4:0", "1.2.3.4:65536", "1.2.3.4:53x", "1.2.3.4:", "router.example",
                                "[::1", "[::1]x", "[::1]:", "", "1.2.3.4 "}) {
    ReverseDnsResolver::Options options;
    options.servers = {"127.0.0.1", bad};
    auto r = ReverseDnsResolver::create(io, options);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, Error::Kind::invalid_input) << bad;
    EXPECT_NE(r.error().message.find('"' + bad + '"'), std::string::npos) << r.error().message;
  }
  const auto rejects = [&](auto change, std::string_view word) {
    ReverseDnsResolver::Options options;
    options.servers = {"127.0.0.1"};
    change(options);
    auto r = ReverseDnsResolver::create(io, options);
    ASSERT_FALSE(r) << word;
    EXPECT_EQ(r.error().kind, Error::Kind::invalid_input);
    EXPECT_NE(r.error().message.find(word), std::string::npos) << r.error().message;
  };
  rejects([](auto& o) { o.max_in_flight = 0; }, "in flight");
  rejects([](auto& o) { o.max_queued = ReverseDnsResolver::kMaxQueued + 1; }, "queued");
  rejects([](auto& o) { o.timeout = std::chrono::milliseconds(0); }, "timeout");
  rejects([](auto& o) { o.tries = 0; }, "tries");
  rejects([](auto& o) { o.servers.assign(ReverseDnsResolver::kMaxServers + 1, "127.0.0.1"); }, "too many");

  ReverseDnsResolver::Options good;
  good.servers = {"127.0.0.1", "127.0.0.2:5353", "::1", "[::1]:53"};
  EXPECT_TRUE(ReverseDnsResolver::create(io, good));
}

TEST_F(ReverseDns, AnswersPtrAndNxdomain) {
  auto resolver = make();
  ASSERT_TRUE(resolver);
  Outcome router, unknown, chained;
  resolver->lookup(kRouter, record(router));
  resolver->lookup(ip(10, 1, 2, 3), [&](Result<std::string> r) {
    record(unknown)(std::move(r));
    // Callbacks run outside c-ares, so they may start lookups themselves.
    resolver->lookup(host_ip(7), record(chained));
  });
  EXPECT_EQ(router.calls + unknown.calls, 0);  // never called inside lookup()
  run();
  EXPECT_EQ(router.calls, 1);
  EXPECT_EQ(router.name, "router.example.test");
  EXPECT_EQ(unknown.calls, 1);
  EXPECT_EQ(unknown.error, "NXDOMAIN");
  EXPECT_EQ(chained.calls, 1);
  EXPECT_EQ(chained.name, "h7.example.test");
  EXPECT_EQ(resolver->in_flight(), 0u);
}

TEST_F(ReverseDns, ThousandLookupsStayWithinMaxInFlight) {
  ReverseDnsResolver::Options options;
  options.max_in_flight = 16;
  auto resolver = make(options);
  ASSERT_TRUE(resolver);
  std::vector<Outcome> outcomes(kHosts);
  std::size_t most_seen = 0;
  for (int i = 0; i < kHosts; ++i)
    resolver->lookup(host_ip(i), [&, i](Result<std::string> r) {
      most_seen = std::max(most_seen, resolver->in_flight());
      record(outcomes[static_cast<std::size_t>(i)])(std::move(r));
    });
  EXPECT_EQ(resolver->in_flight(), 16u);
  EXPECT_EQ(resolver->queued(), static_cast<std::size_t>(kHosts - 16));
  run();
  for (int i = 0; i < kHosts; ++i) {
    const Outcome& o = outcomes[static_cast<std::size_t>(i)];
    EXPECT_EQ(o.calls, 1) << i;
    EXPECT_EQ(o.name, "h" + std::to_string(i) + ".example.test") << i << ": " << o.error;
  }
  EXPECT_EQ(resolver->peak_in_flight(), 16u);
  EXPECT_LE(most_seen, 16u);
  EXPECT_EQ(resolver->in_flight(), 0u);
  EXPECT_EQ(resolver->queued(), 0u);
}

TEST_F(ReverseDns, QueueFullIsAnErrorNotAWait) {
  ReverseDnsResolver::Options options;
  options.max_in_flight = 1;
  options.max_queued = 2;
  auto resolver = make(options);
  ASSERT_TRUE(resolver);
  std::vector<Outcome> outcomes(4);
  for (Outcome& o : outcomes) resolver->lookup(kRouter, record(o));
  EXPECT_EQ(outcomes[3].calls, 0);  // posted, not called inline
  run();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(outcomes[static_cast<std::size_t>(i)].name, "router.example.test");
  EXPECT_EQ(outcomes[3].calls, 1);
  EXPECT_EQ(outcomes[3].error, "queue full");
}

TEST_F(ReverseDns, CancelAllFailsEveryPendingLookupOnce) {
  ReverseDnsResolver::Options options;
  options.max_in_flight = 2;
  auto resolver = make(options);
  ASSERT_TRUE(resolver);
  std::vector<Outcome> outcomes(5);
  for (Outcome& o : outcomes) resolver->lookup(kRouter, record(o));
  resolver->cancel_all();
  EXPECT_EQ(resolver->in_flight(), 0u);
  EXPECT_EQ(resolver->queued(), 0u);
  run();
  for (const Outcome& o : outcomes) {
    EXPECT_EQ(o.calls, 1);
    EXPECT_EQ(o.error, "cancelled");
  }
  // Still usable afterwards.
  Outcome again;
  resolver->lookup(kRouter, record(again));
  io_.restart();
  run();
  EXPECT_EQ(again.name, "router.example.test");
}

TEST_F(ReverseDns, DestructionFailsPendingLookups) {
  auto resolver = make();
  ASSERT_TRUE(resolver);
  std::vector<Outcome> outcomes(3);
  for (Outcome& o : outcomes) resolver->lookup(host_ip(1), record(o));
  resolver.reset();
  run();  // the handlers left behind must not touch the resolver (ASan checks)
  for (const Outcome& o : outcomes) {
    EXPECT_EQ(o.calls, 1);
    EXPECT_EQ(o.error, "resolver destroyed");
  }
}

TEST_F(ReverseDns, DeadServerIsAnErrorNotAHang) {
  // Nothing listens there: the kernel answers with port unreachable.
  const std::uint16_t port = free_port();
  ASSERT_NE(port, 0);
  ReverseDnsResolver::Options options;
  options.servers = {"127.0.0.1:" + std::to_string(port)};
  options.timeout = std::chrono::milliseconds(200);
  auto resolver = make(options);
  ASSERT_TRUE(resolver);
  Outcome o;
  resolver->lookup(kRouter, record(o));
  run();
  EXPECT_EQ(o.calls, 1);
  EXPECT_FALSE(o.name);
  EXPECT_TRUE(o.error == "connection refused" || o.error == "timeout") << o.error;
}

TEST_F(ReverseDns, SilentServerTimesOut) {
  // Bound but never read: queries vanish, as into a firewall.
  std::uint16_t port = 0;
  const int silent = bound_socket(SOCK_DGRAM, 0, &port);
  ASSERT_GE(silent, 0);
  ReverseDnsResolver::Options options;
  options.servers = {"127.0.0.1:" + std::to_string(port)};
  options.timeout = std::chrono::milliseconds(50);
  options.tries = 2;
  auto resolver = make(options);
  ASSERT_TRUE(resolver);
  Outcome o;
  resolver->lookup(kRouter, record(o));
  run();
  ::close(silent);
  EXPECT_EQ(o.calls, 1);
  EXPECT_EQ(o.error, "timeout");
}
