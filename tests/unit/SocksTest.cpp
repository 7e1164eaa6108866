// The "socks" probe: its codec, and the probe through the real engine against
// fake SOCKS4/5 proxies on 127.0.0.1 that relay to a real canary on
// 127.0.0.1, so a proven relay is proven end to end. Every fake proxy
// records the destinations it is asked for: only ever the canary.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <string>
#include <vector>

#include "fumidai/scanner/canary/CanaryToken.h"
#include "fumidai/scanner/probes/socks/SocksCodec.h"
#include "support/LoopbackCanary.h"
#include "support/ProxyTestKit.h"

using namespace fumidai;
using namespace fumidai::scanner;
using namespace fumidai::test;
using namespace std::literals;

namespace {

std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string text(std::span<const std::uint8_t> b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

CanaryEndpoint canary_at(std::uint32_t ip, std::uint16_t port) { return {ip, port, LoopbackCanary::test_key()}; }

TEST(SocksCodec, RequestsNameOnlyTheCanary) {
  EXPECT_EQ(text(socks5_no_auth_greeting()), std::string("\x05\x01\x00", 3));
  EXPECT_EQ(text(socks5_auth_methods_greeting()), std::string("\x05\x02\x01\x02", 4));
  const CanaryEndpoint canary = canary_at(0xc61300f5, 80);  // 198.19.0.245:80
  EXPECT_EQ(text(socks5_connect_request(canary)), std::string("\x05\x01\x00\x01\xc6\x13\x00\xf5\x00\x50", 10));
  EXPECT_EQ(text(socks4_connect_request(canary)), std::string("\x04\x01\x00\x50\xc6\x13\x00\xf5"
                                                              "fumidai\x00",
                                                              16));
}

TEST(SocksCodec, MethodReplies) {
  EXPECT_EQ(parse_socks5_method_reply(bytes("\x05\x00"sv))->value().method, 0x00);
  EXPECT_EQ(parse_socks5_method_reply(bytes("\x05\x02"))->value().method, 0x02);
  EXPECT_EQ(parse_socks5_method_reply(bytes("\x05\xff"))->value().method, 0xff);
  EXPECT_FALSE(parse_socks5_method_reply(bytes(""))->has_value());
  EXPECT_FALSE(parse_socks5_method_reply(bytes("\x05"))->has_value());
  EXPECT_FALSE(parse_socks5_method_reply(bytes("HTTP/1.1 400")));
  EXPECT_FALSE(parse_socks5_method_reply(bytes("\x04")));
  EXPECT_FALSE(parse_socks5_method_reply(bytes("\x05\x00\x00"sv))) << "a SOCKS5 server sends two bytes and waits";
  EXPECT_EQ(socks5_method_name(0x00), "no-auth");
  EXPECT_EQ(socks5_method_name(0x02), "username-password");
  EXPECT_EQ(socks5_method_name(0x7f), "iana-assigned");
  EXPECT_EQ(socks5_method_name(0x80), "private");
  EXPECT_EQ(socks5_method_name(0xff), "no-acceptable-methods");
}

TEST(SocksCodec, ConnectRepliesOfEveryAddressType) {
  const auto v4 = parse_socks5_connect_reply(bytes("\x05\x00\x00\x01\x0a\x00\x00\x01\x1f\x90"sv));
  ASSERT_TRUE(v4 && *v4);
  EXPECT_EQ((*v4)->reply, 0);
  EXPECT_EQ((*v4)->bound_address, "10.0.0.1");
  EXPECT_EQ((*v4)->bound_port, 8080);
  EXPECT_EQ((*v4)->size, 10u);
  const auto name = parse_socks5_connect_reply(bytes("\x05\x05\x00\x03\x04host\x00\x50tunnel bytes"sv));
  ASSERT_TRUE(name && *name);
  EXPECT_EQ((*name)->reply, 5);
  EXPECT_EQ((*name)->bound_address, "host");
  EXPECT_EQ((*name)->size, 11u) << "bytes past the reply are left alone";
  const std::string v6 = std::string("\x05\x00\x00\x04", 4) + std::string(15, '\0') + "\x01" + "\x00\x50"s;
  const auto six = parse_socks5_connect_reply(bytes(v6));
  ASSERT_TRUE(six && *six);
  EXPECT_EQ((*six)->bound_address, "0:0:0:0:0:0:0:1");
  EXPECT_EQ(socks5_reply_name(0), "succeeded");
  EXPECT_EQ(socks5_reply_name(2), "not-allowed-by-ruleset");
  EXPECT_EQ(socks5_reply_name(8), "address-type-not-supported");
  EXPECT_EQ(socks5_reply_name(9), "unassigned");
}

TEST(SocksCodec, TruncatedAndLyingConnectReplies) {
  const std::string full("\x05\x00\x00\x03\xff", 5);
  // A domain length of 255 with 250 bytes so far: need more, never a read past the end.
  EXPECT_FALSE(parse_socks5_connect_reply(bytes(full + std::string(250, 'a')))->has_value());
  EXPECT_TRUE(parse_socks5_connect_reply(bytes(full + std::string(257, 'a')))->has_value());
  EXPECT_EQ(kMaxSocks5ConnectReplyBytes, 262u);
  for (std::size_t n = 0; n < 10; ++n)
    EXPECT_FALSE(
        parse_socks5_connect_reply(bytes(std::string("\x05\x00\x00\x01\x0a\x00\x00\x01\x1f\x90", n)))->has_value());
  EXPECT_FALSE(parse_socks5_connect_reply(bytes("\x05\x00\x00\x07\x00\x00\x00\x00\x00\x00"sv)))
      << "address type 7 does not exist";
  EXPECT_FALSE(parse_socks5_connect_reply(bytes("\x04\x5a"sv)));
}

TEST(SocksCodec, Socks4Replies) {
  const auto granted = parse_socks4_reply(bytes("\x00\x5a\x00\x50\xc6\x13\x00\xf5"sv));
  ASSERT_TRUE(granted && *granted);
  EXPECT_EQ((*granted)->code, kSocks4Granted);
  EXPECT_EQ((*granted)->bound_port, 80);
  EXPECT_EQ((*granted)->bound_ip, 0xc61300f5u);
  EXPECT_TRUE(parse_socks4_reply(bytes("\x04\x5b\x00\x00\x00\x00\x00\x00"sv))->has_value()) << "VN 4, as some send";
  EXPECT_FALSE(parse_socks4_reply(bytes("\x00\x5a\x00"sv))->has_value());
  EXPECT_FALSE(parse_socks4_reply(bytes("\x00\x00"sv)));
  EXPECT_FALSE(parse_socks4_reply(bytes("\x05\x00"sv)));
  EXPECT_FALSE(parse_socks4_reply(bytes("HTTP/1.0 400")));
  EXPECT_EQ(socks4_reply_name(0x5c), "identd-unreachable");
}

// A fake SOCKS proxy. It answers greetings as told, records the destination
// of every CONNECT, and relays a granted CONNECT only when it names the
// canary (or sends `after_grant` instead).
struct SocksBehavior {
  std::string method_reply = std::string("\x05\x00", 2);
  std::string later_method_reply;  // for greetings on later connections; empty: method_reply
  std::uint8_t connect_reply = 0;
  std::string after_grant;  // sent instead of relaying
  bool socks4_only = false;
  std::uint8_t socks4_code = 0x5a;
};

class FakeSocksProxy {
 public:
  FakeSocksProxy(SocksBehavior behavior, std::uint16_t canary_port)
      : behavior_(std::move(behavior)),
        canary_port_(canary_port),
        server_([this](int fd, const std::atomic<bool>& stopping) {
          serve(fd, stopping);
          ::shutdown(fd, SHUT_RDWR);  // done with this client: it sees the close
        }) {}

  std::uint16_t port() const { return server_.port(); }
  std::vector<std::string> destinations() const { return destinations_.list(); }
  std::vector<std::string> greetings() const {
    std::lock_guard lock(mutex_);
    return greetings_;
  }
  // Bytes a client sent after the proxy chose an authentication method:
  // credentials, if the client ever sent any.
  std::string after_auth_choice() const {
    std::lock_guard lock(mutex_);
    return after_auth_;
  }

 private:
  void serve(int fd, const std::atomic<bool>& stopping) {
    const std::string version = read_exactly(fd, 1);
    if (version == "\x05"s && !behavior_.socks4_only) return socks5(fd, stopping);
    if (version == "\x04"s) return socks4(fd, stopping);
  }

  void socks5(int fd, const std::atomic<bool>& stopping) {
    const std::string count = read_exactly(fd, 1);
    if (count.empty()) return;
    const std::string methods = read_exactly(fd, static_cast<unsigned char>(count[0]));
    bool later = false;
    {
      std::lock_guard lock(mutex_);
      greetings_.push_back("\x05"s + count + methods);
      later = greetings_.size() > 1;
    }
    const std::string& reply =
        later && !behavior_.later_method_reply.empty() ? behavior_.later_method_reply : behavior_.method_reply;
    LoopbackServer::send_all(fd, reply);
    if (reply != "\x05\x00"s) {
      const std::string rest = read_exactly(fd, 1 << 16);
      std::lock_guard lock(mutex_);
      after_auth_ += rest;
      return;
    }
    const std::string head = read_exactly(fd, 4);
    if (head.size() < 4) return;
    std::string destination;
    if (head[3] == 0x01) {
      const std::string a = read_exactly(fd, 6);
      const auto u = [&](int i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(a[i])); };
      destination = authority(u(0) << 24 | u(1) << 16 | u(2) << 8 | u(3), static_cast<std::uint16_t>(u(4) << 8 | u(5)));
    } else {
      destination = "unexpected address type " + std::to_string(head[3]);
    }
    destinations_.add(destination);
    LoopbackServer::send_all(
        fd, "\x05"s + static_cast<char>(behavior_.connect_reply) + "\x00\x01\x00\x00\x00\x00\x00\x00"s);
    if (behavior_.connect_reply == 0) grant(fd, destination, stopping);
  }

  void socks4(int fd, const std::atomic<bool>& stopping) {
    const std::string a = read_exactly(fd, 7);
    if (a.size() < 7) return;
    std::string user;
    for (std::string c; (c = read_exactly(fd, 1)) != "\0"s && !c.empty() && user.size() < 256;) user += c;
    const auto u = [&](int i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(a[i])); };
    const std::string destination =
        authority(u(3) << 24 | u(4) << 16 | u(5) << 8 | u(6), static_cast<std::uint16_t>(u(1) << 8 | u(2)));
    destinations_.add(destination);
    {
      std::lock_guard lock(mutex_);
      greetings_.push_back("socks4 user " + user);
    }
    LoopbackServer::send_all(fd, "\x00"s + static_cast<char>(behavior_.socks4_code) + "\x00\x00\x00\x00\x00\x00"s);
    if (behavior_.socks4_code == 0x5a) grant(fd, destination, stopping);
  }

  void grant(int fd, const std::string& destination, const std::atomic<bool>& stopping) {
    if (!behavior_.after_grant.empty()) {
      read_head(fd);
      LoopbackServer::send_all(fd, behavior_.after_grant);
      ::shutdown(fd, SHUT_WR);
      return;
    }
    if (destination != authority(0x7f000001, canary_port_)) return;
    const int upstream = connect_loopback(canary_port_);
    if (upstream < 0) return;
    pipe_both_ways(fd, upstream, stopping);
    ::close(upstream);
  }

  SocksBehavior behavior_;
  std::uint16_t canary_port_;
  Destinations destinations_;
  mutable std::mutex mutex_;
  std::vector<std::string> greetings_;
  std::string after_auth_;
  LoopbackServer server_;
};

class SocksProbeTest : public testing::Test {
 protected:
  GrabRecord grab(std::uint16_t port, bool with_canary = true) {
    GrabOptions options = proxy_test_options();
    if (with_canary) options.canary = canary_.endpoint();
    return grab_one("socks", port, std::move(options));
  }
  std::string canary_authority() { return authority(0x7f000001, canary_.port()); }

  ManualClock canary_clock_;
  LoopbackCanary canary_{canary_clock_};
};

TEST_F(SocksProbeTest, OpenSocks5RelaysToTheCanaryAndIsProven) {
  FakeSocksProxy proxy({}, canary_.port());
  const GrabRecord r = grab(proxy.port());
  ASSERT_EQ(r.status, GrabStatus::success) << r.error;
  EXPECT_EQ(r.protocol, "socks5");
  EXPECT_EQ(r.data.at("verdict"), "open");
  EXPECT_EQ(r.data.at("method"), "no-auth");
  const auto& relay = r.data.at("relay").as_object();
  EXPECT_TRUE(relay.at("tested").as_bool());
  EXPECT_TRUE(relay.at("granted").as_bool());
  EXPECT_TRUE(relay.at("proven").as_bool()) << boost::json::serialize(relay);
  const std::string token(relay.at("token").as_string());
  EXPECT_TRUE(is_canary_token(token));
  // The canary logged this very token, from the proxy.
  const auto lines = canary_.log_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(R"("token":")" + token + R"(","valid":true)"), std::string::npos) << lines[0];
  EXPECT_EQ(proxy.destinations(), std::vector<std::string>{canary_authority()});
  EXPECT_EQ(proxy.greetings(), std::vector<std::string>{"\x05\x01\x00"s});
}

TEST_F(SocksProbeTest, WithoutACanaryItOnlyNegotiates) {
  FakeSocksProxy proxy({}, canary_.port());
  const GrabRecord r = grab(proxy.port(), false);
  ASSERT_EQ(r.status, GrabStatus::success) << r.error;
  EXPECT_EQ(r.data.at("verdict"), "open");
  EXPECT_FALSE(r.data.at("relay").at("tested").as_bool());
  EXPECT_TRUE(proxy.destinations().empty());
}

TEST_F(SocksProbeTest, AnotherMethodIsAuthRequiredAndNoCredentialsAreSent) {
  SocksBehavior b;
  b.method_reply = "\x05\x02"s;
  FakeSocksProxy proxy(b, canary_.port());
  const GrabRecord r = grab(proxy.port());
  ASSERT_EQ(r.status, GrabStatus::success) << r.error;
  EXPECT_EQ(r.data.at("verdict"), "auth-required");
  EXPECT_EQ(r.data.at("auth_method"), "username-password");
  EXPECT_TRUE(proxy.destinations().empty());
  EXPECT_EQ(proxy.after_auth_choice(), "") << "never a username or password";
}

TEST_F(SocksProbeTest, RefusingNoAuthButTakingUsernamePasswordIsAuthRequired) {
  // What dante with "socksmethod: username" does: 05 FF to an offer of no-auth only.
  SocksBehavior b;
  b.method_reply = "\x05\xff"s;
  b.later_method_reply = "\x05\x02"s;
  FakeSocksProxy proxy(b, canary_.port());
  const GrabRecord r = grab(proxy.port());
  ASSERT_EQ(r.status, GrabStatus::success) << r.error;
  EXPECT_EQ(r.data.at("verdict"), "auth-required");
  EXPECT_EQ(r.data.at("auth_method"), "username-password");
  EXPECT_EQ(proxy.greetings(), (std::vector<std::string>{"\x05\x01\x00"s, "\x05\x02\x01\x02"s}));
  EXPECT_EQ(proxy.after_auth_choice(), "");
  EXPECT_TRUE(proxy.destinations().empty());
}

TEST_F(SocksProbeTest, NoAcceptableMethodsIsRefused) {
  SocksBehavior b;
  b.method_reply = "\x05\xff"s;
  FakeSocksProxy proxy(b, canary_.port());
  const GrabRecord r = grab(proxy.port());
  ASSERT_EQ(r.status, GrabStatus::success) << r.error;
  EXPECT_EQ(r.protocol, "socks5");
  EXPECT_EQ(r.data.at("verdict"), "refused");
}

TEST_F(SocksProbeTest, ARejectedConnectIsOpenButNotGranted) {
  SocksBehavior b;
  b.connect_reply = 0x02;
  FakeSocksProxy proxy(b, canary_.port());
  const GrabRecord r = grab(proxy.port());
  ASSERT_EQ(r.status, GrabStatus::success) << r.error;
  EXPECT_EQ(r.data.at("verdict"), "open");
  EXPECT_FALSE(r.data.at("relay").at("granted").as_bool());
  EXPECT_EQ(r.data.at("relay").at("reply"), "not-allowed-by-ruleset");
  EXPECT_FALSE(r.data.at("relay").at("proven").as_bool());
}

TEST_F(SocksProbeTest, AProxyThatAnswersItselfProvesNothing) {
  // It grants, then answers the token's GET itself with a made-up proof, a
  // redirect elsewhere, or garbage: never proven, and nothing is followed.
  for (const std::string& fake :
       {"HTTP/1.1 200 OK\r\nContent-Length: 112\r\n\r\nfumidai-canary 0123456789abcdef0123456789abcdef "s +
            std::string(64, '0') + "\n",
        "HTTP/1.1 302 Found\r\nLocation: http://203.0.113.7/\r\nContent-Length: 0\r\n\r\n"s,
        "\x00\xff garbage\r\n\r\n"s}) {
    SocksBehavior b;
    b.after_grant = fake;
    FakeSocksProxy proxy(b, canary_.port());
    const GrabRecord r = grab(proxy.port());
    ASSERT_EQ(r.status, GrabStatus::success) << r.error;
    EXPECT_TRUE(r.data.at("relay").at("granted").as_bool());
    EXPECT_FALSE(r.data.at("relay").at("proven").as_bool()) << fake;
    EXPECT_EQ(proxy.destinations(), std::vector<std::string>{canary_authority()});
  }
  EXPECT_TRUE(canary_.log_lines().empty());
}

TEST_F(SocksProbeTest, Socks4IsTriedOnlyWithACanaryAndRelays) {
  SocksBehavior b;
  b.socks4_only = true;
  FakeSocksProxy proxy(b, canary_.port());
  const GrabRecord r = grab(proxy.port());
  ASSERT_EQ(r.status, GrabStatus::success) << r.error;
  EXPECT_EQ(r.protocol, "socks4");
  EXPECT_EQ(r.data.at("verdict"), "open");
  EXPECT_TRUE(r.data.at("relay").at("proven").as_bool());
  EXPECT_EQ(proxy.destinations(), std::vector<std::string>{canary_authority()});
  EXPECT_EQ(proxy.greetings(), std::vector<std::string>{"socks4 user fumidai"});

  FakeSocksProxy quiet(b, canary_.port());
  const GrabRecord without = grab(quiet.port(), false);
  EXPECT_EQ(without.status, GrabStatus::protocol_error);
  EXPECT_EQ(without.data.at("verdict"), "not-socks");
  EXPECT_EQ(without.data.at("socks4"), "not tested (no canary)");
  EXPECT_TRUE(quiet.destinations().empty());
}

TEST_F(SocksProbeTest, Socks4RejectionIsRefused) {
  SocksBehavior b;
  b.socks4_only = true;
  b.socks4_code = 0x5b;
  FakeSocksProxy proxy(b, canary_.port());
  const GrabRecord r = grab(proxy.port());
  ASSERT_EQ(r.status, GrabStatus::success) << r.error;
  EXPECT_EQ(r.data.at("verdict"), "refused");
  EXPECT_FALSE(r.data.at("relay").at("granted").as_bool());
}

TEST_F(SocksProbeTest, AnHttpServerIsNotSocks) {
  LoopbackServer web([](int fd, const std::atomic<bool>&) {
    read_exactly(fd, 3);
    LoopbackServer::send_all(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
  });
  const GrabRecord r = grab(web.port());
  EXPECT_EQ(r.status, GrabStatus::protocol_error);
  EXPECT_EQ(r.data.at("verdict"), "not-socks");
  EXPECT_TRUE(r.data.at("first_bytes").as_string().starts_with("HTTP/1.1"));
  EXPECT_TRUE(r.data.contains("socks4_error"));
}

}  // namespace
