// The stage-2 engine against real sockets on 127.0.0.1, with time on a
// ManualClock: every timeout and rate here fires because the test moved the
// clock, never because the machine was slow.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fumidai/core/ManualClock.h"
#include "fumidai/scanner/grab/GrabEngine.h"
#include "fumidai/scanner/grab/ProbeRegistry.h"
#include "fumidai/scanner/probes/ProbeIo.h"
#include "fumidai/scanner/probes/http/FaviconHash.h"
#include "support/GrabHarness.h"
#include "support/LoopbackServer.h"
#include "support/LoopbackUdpServer.h"

namespace fumidai::scanner {
namespace {

using namespace std::chrono_literals;
using test::LoopbackServer;
using test::LoopbackUdpServer;

constexpr std::uint32_t kLoopback = 0x7f000001;

std::uint16_t closed_port() {
  LoopbackServer probe([](int, const std::atomic<bool>&) {}, 1, false);
  return probe.port();  // closed once `probe` is gone
}

void hold_until_stopped(int, const std::atomic<bool>& stopping) {
  while (!stopping) std::this_thread::sleep_for(5ms);
}

struct Harness : test::GrabHarness {
  explicit Harness(GrabOptions o, std::string_view module = "http") : GrabHarness(std::move(o), module) {}
};

GrabOptions quick_options() { return test::quick_grab_options(); }

std::string_view status_of(const GrabRecord& r) { return to_string(r.status); }

TEST(GrabEngine, RefusedPortIsConnectionRefused) {
  Harness h(quick_options());
  h.source.add({kLoopback, closed_port()});
  h.run_to_end();
  EXPECT_EQ(status_of(h.only_record()), "connection-refused");
}

TEST(GrabEngine, SilentServerTimesOutOnTheInjectedClockOnly) {
  LoopbackServer server(hold_until_stopped);
  Harness h(quick_options());
  h.source.add({kLoopback, server.port()});
  h.settle();
  EXPECT_EQ(h.engine().active(), 1u);
  h.advance(4900ms);
  EXPECT_TRUE(h.records.empty()) << "read timeout is 5 s; only 4.9 s passed";
  h.advance(200ms);
  EXPECT_EQ(status_of(h.only_record()), "io-timeout");
  EXPECT_TRUE(h.engine().finished());
}

TEST(GrabEngine, ConnectTimeoutRetriesThenGivesUp) {
  // Backlog 0 and nobody accepting: the first connection fills the queue,
  // and the kernel drops the engine's SYNs.
  LoopbackServer server([](int, const std::atomic<bool>&) {}, 0, false);
  const int filler = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(kLoopback);
  a.sin_port = htons(server.port());
  ASSERT_EQ(::connect(filler, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  GrabOptions o = quick_options();
  o.connect_retries = 1;
  Harness h(o);
  h.source.add({kLoopback, server.port()});
  h.settle();
  h.advance(2100ms);
  EXPECT_TRUE(h.records.empty()) << "the retry is still connecting";
  h.advance(2100ms);
  EXPECT_EQ(status_of(h.only_record()), "connection-timeout");
  ::close(filler);
}

TEST(GrabEngine, HttpPageFieldsAndFavicon) {
  const std::string icon(
      "\x00\x00\x01\x00"
      "fake icon bytes"
      "\xff",
      20);
  LoopbackServer server([&](int fd, const std::atomic<bool>&) {
    std::string head;
    char c;
    while (head.find("\r\n\r\n") == std::string::npos && ::recv(fd, &c, 1, 0) == 1) head += c;
    if (head.starts_with("GET /img/f.ico ")) {
      LoopbackServer::send_all(fd,
                               "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(icon.size()) + "\r\n\r\n" + icon);
    } else {
      const std::string body =
          "<html><head><title>Archer &amp; C7</title><link rel=\"shortcut icon\" href=\"img/f.ico\"></head></html>";
      LoopbackServer::send_all(fd,
                               "HTTP/1.1 401 Unauthorized\r\nServer: Router Webserver\r\n"
                               "WWW-Authenticate: Basic realm=\"TP-LINK Archer C7\"\r\n"
                               "Set-Cookie: SESSIONID=secret; path=/\r\nContent-Length: " +
                                   std::to_string(body.size()) + "\r\n\r\n" + body);
    }
  });
  GrabOptions o = quick_options();
  o.fetch_favicon = true;
  Harness h(o);
  h.source.add({kLoopback, server.port()});
  h.run_to_end();
  const GrabRecord& r = h.only_record();
  ASSERT_EQ(status_of(r), "success") << r.error;
  EXPECT_EQ(r.protocol, "http");
  EXPECT_EQ(r.data.at("status_code").to_number<std::int64_t>(), 401);
  EXPECT_EQ(r.data.at("title").as_string(), "Archer & C7");
  EXPECT_EQ(r.data.at("server").as_string(), "Router Webserver");
  EXPECT_EQ(r.data.at("www_authenticate_realm").as_string(), "TP-LINK Archer C7");
  EXPECT_EQ(r.data.at("set_cookie_names").as_array().at(0).as_string(), "SESSIONID");
  EXPECT_EQ(boost::json::serialize(r.data).find("secret"), std::string::npos) << "cookie values never recorded";
  const auto& favicon = r.data.at("favicon").as_object();
  EXPECT_TRUE(favicon.at("fetched").as_bool());
  EXPECT_EQ(favicon.at("mmh3").to_number<std::int64_t>(),
            shodan_favicon_hash({reinterpret_cast<const std::uint8_t*>(icon.data()), icon.size()}));
  EXPECT_EQ(favicon.at("md5").as_string(),
            favicon_md5({reinterpret_cast<const std::uint8_t*>(icon.data()), icon.size()}));
  EXPECT_EQ(favicon.at("size").to_number<std::int64_t>(), 20);
}

TEST(GrabEngine, EndlessHeadersAreABoundedProtocolError) {
  LoopbackServer server([](int fd, const std::atomic<bool>& stopping) {
    LoopbackServer::read_head(fd);
    LoopbackServer::send_all(fd, "HTTP/1.1 200 OK\r\n");
    while (!stopping && LoopbackServer::send_all(fd, "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n")) {
    }
  });
  Harness h(quick_options());
  h.source.add({kLoopback, server.port()});
  h.run_to_end();
  const GrabRecord& r = h.only_record();
  EXPECT_EQ(status_of(r), "protocol-error");
  EXPECT_NE(r.error.find("header"), std::string::npos) << r.error;
}

TEST(GrabEngine, TenGigabyteBodyIsTruncatedNotRead) {
  LoopbackServer server([](int fd, const std::atomic<bool>& stopping) {
    LoopbackServer::read_head(fd);
    LoopbackServer::send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 10737418240\r\n\r\n");
    const std::string zeros(64 * 1024, '\0');
    while (!stopping && LoopbackServer::send_all(fd, zeros)) {
    }
  });
  GrabOptions o = quick_options();
  o.http.max_body_bytes = 4096;
  Harness h(o);
  h.source.add({kLoopback, server.port()});
  h.run_to_end();
  const GrabRecord& r = h.only_record();
  ASSERT_EQ(status_of(r), "success") << r.error;
  EXPECT_TRUE(r.data.at("body_truncated").as_bool());
  EXPECT_EQ(r.data.at("body_length").to_number<std::int64_t>(), 4096);
}

TEST(GrabEngine, SlowlorisDripEndsAtTheTotalDeadline) {
  LoopbackServer server([](int fd, const std::atomic<bool>& stopping) {
    LoopbackServer::read_head(fd);
    const std::string_view status = "HTTP/1.1 200 OK\r\nX: ";
    for (std::size_t i = 0; !stopping; ++i) {
      if (!LoopbackServer::send_all(fd, i < status.size() ? status.substr(i, 1) : "a")) return;
      std::this_thread::sleep_for(3ms);
    }
  });
  Harness h(quick_options());
  h.source.add({kLoopback, server.port()});
  h.settle();
  // Each step is under the read timeout and a byte arrives in each, so only
  // the 20 s total deadline can end it.
  for (int i = 0; i < 19; ++i) h.advance(1s);
  EXPECT_TRUE(h.records.empty());
  h.advance(1100ms);
  h.advance(100ms);
  EXPECT_EQ(status_of(h.only_record()), "io-timeout");
}

TEST(GrabEngine, InvalidTlsIsAHandshakeError) {
  LoopbackServer server([](int fd, const std::atomic<bool>&) {
    char buffer[512];
    (void)::recv(fd, buffer, sizeof(buffer), 0);
    LoopbackServer::send_all(fd, "this is not a TLS ServerHello\r\n\r\n\x16\x03\x01 garbage");
  });
  Harness h(quick_options(), "https");
  h.source.add({kLoopback, server.port()});
  h.run_to_end();
  EXPECT_EQ(status_of(h.only_record()), "handshake-error");
}

TEST(GrabEngine, TelnetOptionStormIsBounded) {
  LoopbackServer server([](int fd, const std::atomic<bool>& stopping) {
    std::string storm;
    for (int option = 0; option < 256; ++option) storm += {'\xff', '\xfd', static_cast<char>(option)};
    while (!stopping && LoopbackServer::send_all(fd, storm)) {
    }
  });
  Harness h(quick_options(), "telnet");
  h.source.add({kLoopback, server.port()});
  h.run_to_end();
  const GrabRecord& r = h.only_record();
  EXPECT_EQ(status_of(r), "protocol-error");
  EXPECT_EQ(r.data.at("option_requests").as_array().size(), 256u);
}

TEST(GrabEngine, NulAndInvalidUtf8BecomeSafeText) {
  LoopbackServer server([](int fd, const std::atomic<bool>&) {
    LoopbackServer::read_head(fd);
    const std::string body("<title>a\0b\xff\xfe c</title>", 22);
    LoopbackServer::send_all(fd, std::string("HTTP/1.0 200 OK\r\nServer: x\0y\xc3\r\n\r\n", 34) + body);
    ::shutdown(fd, SHUT_WR);  // the body ends with the connection
  });
  Harness h(quick_options());
  h.source.add({kLoopback, server.port()});
  h.run_to_end();
  const GrabRecord& r = h.only_record();
  ASSERT_EQ(status_of(r), "success") << r.error;
  EXPECT_EQ(r.data.at("title").as_string(),
            "a\xef\xbf\xbd"
            "b\xef\xbf\xbd\xef\xbf\xbd c");
  EXPECT_EQ(r.data.at("server").as_string().find('\0'), std::string::npos);
}

TEST(GrabEngine, GlobalConcurrencyLimitHolds) {
  LoopbackServer server(hold_until_stopped);
  GrabOptions o = quick_options();
  o.max_concurrent = 2;
  o.per_host = 100;
  o.per_prefix24 = 100;
  Harness h(o);
  for (int i = 0; i < 5; ++i) h.source.add({kLoopback, server.port()});
  h.settle();
  EXPECT_EQ(h.engine().active(), 2u);
  h.advance(5100ms);  // the first two time out, two more start
  EXPECT_EQ(h.records.size(), 2u);
  EXPECT_EQ(h.engine().active(), 2u);
  h.run_to_end();
  EXPECT_EQ(h.records.size(), 5u);
  EXPECT_EQ(h.engine().stats().max_active, 2u);
}

TEST(GrabEngine, PerHostAndPerPrefixLimitsHold) {
  LoopbackServer a(hold_until_stopped);
  GrabOptions o = quick_options();
  o.per_host = 1;
  o.per_prefix24 = 2;
  Harness h(o);
  // Three targets on 127.0.0.1 and two on 127.0.0.2 (refused fast; the
  // engine cannot know that in advance): one /24.
  for (int i = 0; i < 3; ++i) h.source.add({kLoopback, a.port()});
  h.source.add({kLoopback + 1, closed_port()});
  h.settle();
  EXPECT_EQ(h.engine().active(), 1u) << "per-host 1: one connection to 127.0.0.1";
  EXPECT_EQ(h.records.size(), 1u) << "127.0.0.2's refused connection went alongside";
  h.run_to_end();
  EXPECT_EQ(h.records.size(), 4u);
  EXPECT_EQ(h.engine().stats().max_active, 2u);
}

TEST(GrabEngine, ConnectRateFollowsTheClock) {
  LoopbackServer server(hold_until_stopped);
  GrabOptions o = quick_options();
  o.connect_rate = 10;  // one every 100 ms
  o.per_host = 100;
  Harness h(o);
  for (int i = 0; i < 5; ++i) h.source.add({kLoopback, server.port()});
  h.settle();
  EXPECT_EQ(h.engine().active(), 1u);
  h.advance(50ms);
  EXPECT_EQ(h.engine().active(), 1u);
  h.advance(50ms);
  EXPECT_EQ(h.engine().active(), 2u);
  h.advance(100ms);
  h.advance(100ms);
  EXPECT_EQ(h.engine().active(), 4u);
}

TEST(GrabEngine, BlocklistedTargetGetsARecordAndNoConnection) {
  LoopbackServer server([](int, const std::atomic<bool>&) { ADD_FAILURE() << "a blocklisted target was contacted"; });
  Harness h(quick_options());
  h.blocklist = IntervalSet::from({{kLoopback, kLoopback}});
  h.source.add({kLoopback, server.port()});
  h.run_to_end();
  EXPECT_EQ(status_of(h.only_record()), "blocklisted-target");
}

TEST(GrabEngine, RecordsWaitForTheirPtrName) {
  LoopbackServer server([](int fd, const std::atomic<bool>&) {
    LoopbackServer::read_head(fd);
    LoopbackServer::send_all(fd, "HTTP/1.0 204 No Content\r\n\r\n");
  });
  Harness h(quick_options());
  std::vector<std::function<void(std::optional<std::string>)>> pending;
  h.ptr_lookup = [&](std::uint32_t ip, std::function<void(std::optional<std::string>)> done) {
    EXPECT_EQ(ip, kLoopback);
    pending.push_back(std::move(done));
  };
  h.source.add({kLoopback, server.port()});
  h.source.add({kLoopback, server.port()});
  h.settle(200);
  EXPECT_TRUE(h.records.empty());
  ASSERT_EQ(pending.size(), 1u) << "one lookup per address";
  EXPECT_FALSE(h.engine().finished());
  pending[0]("localhost.example");
  ASSERT_EQ(h.records.size(), 2u);
  for (const auto& r : h.records) EXPECT_EQ(r.ptr, "localhost.example");
  h.settle();
  EXPECT_TRUE(h.engine().finished());
}

TEST(GrabEngine, ExactlyOneRecordPerTarget) {
  LoopbackServer ok([](int fd, const std::atomic<bool>&) {
    LoopbackServer::read_head(fd);
    LoopbackServer::send_all(fd, "HTTP/1.0 200 OK\r\n\r\nhi");
    ::shutdown(fd, SHUT_WR);
  });
  LoopbackServer silent(hold_until_stopped);
  const std::uint16_t closed = closed_port();
  GrabOptions o = quick_options();
  o.per_host = 8;
  Harness h(o);
  std::multiset<std::uint16_t> expected;
  for (int i = 0; i < 60; ++i) {
    const std::uint16_t port = i % 3 == 0 ? ok.port() : i % 3 == 1 ? silent.port() : closed;
    h.source.add({kLoopback, port});
    expected.insert(port);
  }
  h.run_to_end();
  std::multiset<std::uint16_t> seen;
  std::map<std::string, int> by_status;
  for (const auto& r : h.records) {
    seen.insert(r.target.port);
    ++by_status[std::string(status_of(r))];
  }
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(by_status["success"], 20);
  EXPECT_EQ(by_status["io-timeout"], 20);
  EXPECT_EQ(by_status["connection-refused"], 20);
}

TEST(GrabEngine, NextModuleInTheChainGetsAFreshConnection) {
  std::atomic<int> connections{0};
  LoopbackServer server([&](int fd, const std::atomic<bool>&) {
    ++connections;
    LoopbackServer::send_all(fd, "SSH-2.0-dropbear_2019.78\r\n");
    LoopbackServer::read_head(fd);
  });
  Harness h(quick_options());
  auto chain = PortProfile::parse("* http,ssh\n", "test", h.registry);
  ASSERT_TRUE(chain);
  h.profile.emplace(std::move(*chain));
  h.source.add({kLoopback, server.port()});
  h.run_to_end();
  const GrabRecord& r = h.only_record();
  EXPECT_EQ(r.protocol, "ssh");
  EXPECT_EQ(connections, 2);
}

TEST(GrabEngine, AChainThatFailsReportsTheFirstModule) {
  LoopbackServer server([](int fd, const std::atomic<bool>&) {
    LoopbackServer::send_all(fd, "\x00\x01garbage\r\n");
    ::shutdown(fd, SHUT_WR);
  });
  Harness h(quick_options());
  auto chain = PortProfile::parse("* http,ssh\n", "test", h.registry);
  ASSERT_TRUE(chain);
  h.profile.emplace(std::move(*chain));
  h.source.add({kLoopback, server.port()});
  h.run_to_end();
  EXPECT_EQ(h.only_record().protocol, "http");
  EXPECT_EQ(status_of(h.only_record()), "protocol-error");
}

// A UDP module for the engine's own tests: sends "ping", accepts only "pong"
// (anything else is a datagram that does not answer it).
class PingProbe final : public ProbeModule {
 public:
  std::string_view name() const override { return "ping"; }
  std::string_view protocol() const override { return "ping"; }
  Transport transport() const override { return Transport::udp; }
  boost::asio::awaitable<ProbeOutcome> run(ProbeSession& session) const override {
    std::array<std::uint8_t, 64> buffer;
    const ReadResult read = co_await udp_exchange(session, as_bytes("ping"), buffer, [](auto datagram) {
      return std::string_view(reinterpret_cast<const char*>(datagram.data()), datagram.size()) == "pong";
    });
    if (!read.status.ok()) co_return outcome_from_io(read.status);
    ProbeOutcome outcome;
    outcome.data["reply"] = "pong";
    co_return outcome;
  }
};

struct UdpHarness : Harness {
  explicit UdpHarness(GrabOptions o) : Harness(std::move(o)) {
    registry.add(std::make_unique<PingProbe>());
    profile.emplace(PortProfile::single(*registry.find("ping")));
  }
};

TEST(GrabEngine, UdpReplyIsAcceptedAfterForeignDatagrams) {
  LoopbackUdpServer server([](const std::string& datagram) {
    return datagram == "ping" ? std::vector<std::string>{"junk", "pong"} : std::vector<std::string>{};
  });
  UdpHarness h(quick_options());
  h.source.add({kLoopback, server.port()});  // a TCP target: --module decides the transport
  h.run_to_end();
  const GrabRecord& r = h.only_record();
  EXPECT_EQ(status_of(r), "success");
  EXPECT_EQ(r.target.transport, Transport::udp);
  EXPECT_EQ(r.data.at("reply"), "pong");
  EXPECT_NE(to_jsonl(r).find(R"("transport":"udp")"), std::string::npos);
}

TEST(GrabEngine, UdpPortUnreachableIsConnectionRefused) {
  // The loopback kernel answers a datagram to a closed port with ICMP
  // port-unreachable, which the connected socket reports.
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  UdpHarness h(quick_options());
  h.source.add({kLoopback, ntohs(a.sin_port), Transport::udp});
  h.run_to_end();
  EXPECT_EQ(status_of(h.only_record()), "connection-refused");
  EXPECT_NE(h.only_record().error.find("port unreachable"), std::string::npos);
}

TEST(GrabEngine, UdpSilenceIsRetriedThenAnIoTimeout) {
  LoopbackUdpServer server([](const std::string&) { return std::vector<std::string>{}; });
  GrabOptions o = quick_options();
  o.connect_retries = 2;
  UdpHarness h(o);
  h.source.add({kLoopback, server.port(), Transport::udp});
  h.run_to_end();
  EXPECT_EQ(status_of(h.only_record()), "io-timeout");
  EXPECT_EQ(server.datagrams(), 3) << "the request and two retries";
}

TEST(GrabEngine, UdpPortWithoutAModuleGetsARecordAndNoPacket) {
  LoopbackUdpServer server([](const std::string&) {
    ADD_FAILURE() << "a UDP port without a module was sent to";
    return std::vector<std::string>{};
  });
  Harness h(quick_options());
  h.profile.emplace(PortProfile::built_in(h.registry));
  h.source.add({kLoopback, server.port(), Transport::udp});
  h.run_to_end();
  EXPECT_EQ(status_of(h.only_record()), "application-error");
  EXPECT_EQ(h.only_record().protocol, "unknown");
}

}  // namespace
}  // namespace fumidai::scanner
