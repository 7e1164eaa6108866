// The canary: its key and proofs, its request parser, its log, and the
// server itself on 127.0.0.1 with time on a ManualClock (its deadlines fire
// because the test moved the clock; nothing here measures wall-clock time).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include "fumidai/core/ManualClock.h"
#include "fumidai/scanner/canary/CanaryKey.h"
#include "fumidai/scanner/canary/CanaryLog.h"
#include "fumidai/scanner/canary/CanaryRequestHead.h"
#include "fumidai/scanner/canary/CanaryToken.h"
#include "support/LoopbackCanary.h"

using namespace fumidai;
using namespace fumidai::scanner;
using fumidai::test::LoopbackCanary;
using namespace std::literals;

namespace {

using namespace std::chrono_literals;

constexpr std::string_view kToken = "0123456789abcdef0123456789abcdef";
// openssl dgst -sha256 -mac HMAC -macopt hexkey:000102...1f <<< kToken (without the newline)
constexpr std::string_view kProof = "66fc66f2575a06af5f464345a49885beccb7cf1f922c7d126d3fe36c31683e0c";
// Only a guard against a hung test; no test asserts how long anything takes.
constexpr int kSocketTimeoutSeconds = 20;

class TempDir {
 public:
  TempDir() {
    char path[] = "/tmp/fumidai-canary-key-XXXXXX";
    path_ = ::mkdtemp(path);
  }
  ~TempDir() { std::system(("rm -rf " + path_).c_str()); }
  std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

void write_file(const std::string& path, const std::string& text, mode_t mode) {
  std::ofstream(path) << text;
  ::chmod(path.c_str(), mode);
}

// A blocking client on 127.0.0.1 with receive and send timeouts.
class Client {
 public:
  explicit Client(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    timeval timeout{kSocketTimeoutSeconds, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }
  // False once the peer closed (a large send into a closed socket resets).
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  std::string read_until_close() {
    std::string out;
    char buffer[4096];
    for (ssize_t n; (n = ::recv(fd_, buffer, sizeof buffer, 0)) > 0;) out.append(buffer, static_cast<std::size_t>(n));
    return out;
  }
  bool peer_closed() {
    char byte = 0;
    return ::recv(fd_, &byte, 1, 0) <= 0;
  }

 private:
  int fd_;
  bool connected_ = false;
};

std::string ask(LoopbackCanary& canary, std::string_view request) {
  Client client(canary.port());
  EXPECT_TRUE(client.connected());
  client.send(request);
  return client.read_until_close();
}

// Waits (without asserting on time) until the canary holds `n` connections.
void wait_for_connections(LoopbackCanary& canary, std::size_t n) {
  for (int i = 0; i < 2000 && canary.connections() != n; ++i) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(canary.connections(), n);
}

CanaryLimits quick_limits() {
  CanaryLimits limits;
  limits.tick = 5ms;
  return limits;
}

TEST(CanaryKey, ProofIsHmacSha256OfTheToken) {
  const CanaryKey key = LoopbackCanary::test_key();
  EXPECT_EQ(key.proof(kToken), kProof);
  EXPECT_EQ(key.answer(kToken), "fumidai-canary " + std::string(kToken) + " " + std::string(kProof) + "\n");
  EXPECT_TRUE(key.proves(key.answer(kToken), kToken));
  EXPECT_TRUE(key.proves("fumidai-canary " + std::string(kToken) + " " + std::string(kProof), kToken));
  EXPECT_TRUE(key.proves("fumidai-canary " + std::string(kToken) + " " + std::string(kProof) + "\r\n", kToken));
  std::string forged = key.answer(kToken);
  forged[forged.size() - 2] ^= 1;
  EXPECT_FALSE(key.proves(forged, kToken));
  EXPECT_FALSE(key.proves(key.answer(kToken), "ffffffffffffffffffffffffffffffff"));
  EXPECT_FALSE(key.proves(key.answer(kToken) + "x", kToken));
  EXPECT_FALSE(key.proves("", kToken));
  const CanaryKey other = CanaryKey::from_hex(std::string(64, 'f')).value();
  EXPECT_FALSE(other.proves(key.answer(kToken), kToken));
}

TEST(CanaryKey, HexNeedsAtLeast32Bytes) {
  EXPECT_TRUE(CanaryKey::from_hex(" " + std::string(64, 'a') + "\n"));
  EXPECT_TRUE(CanaryKey::from_hex(std::string(64, 'A')));
  EXPECT_FALSE(CanaryKey::from_hex(std::string(62, 'a')));
  EXPECT_FALSE(CanaryKey::from_hex(std::string(65, 'a')));
  EXPECT_FALSE(CanaryKey::from_hex(std::string(63, 'a') + "g"));
  EXPECT_FALSE(CanaryKey::from_hex(std::string(2 * CanaryKey::kMaxBytes + 2, 'a')));
  EXPECT_FALSE(CanaryKey::from_hex(""));
}

TEST(CanaryKey, MakeKeyWritesAnOwnerOnlyFileAndNeverOverwrites) {
  TempDir dir;
  const std::string path = dir.file("key");
  ASSERT_TRUE(CanaryKey::write_new(path));
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto key = CanaryKey::load(path);
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(key->proof(kToken).size(), 64u);
  EXPECT_FALSE(CanaryKey::write_new(path)) << "an existing key is never replaced";
  ASSERT_TRUE(CanaryKey::write_new(dir.file("key2")));
  EXPECT_NE(CanaryKey::load(dir.file("key2"))->proof(kToken), key->proof(kToken)) << "keys are random";
}

TEST(CanaryKey, LoadRefusesKeysOthersCanRead) {
  TempDir dir;
  write_file(dir.file("open"), std::string(64, 'a') + "\n", 0644);
  const auto open = CanaryKey::load(dir.file("open"));
  ASSERT_FALSE(open);
  EXPECT_NE(open.error().message.find("readable by group or others"), std::string::npos);
  write_file(dir.file("short"), "abcd\n", 0600);
  EXPECT_FALSE(CanaryKey::load(dir.file("short")));
  write_file(dir.file("huge"), std::string(1 << 16, 'a'), 0600);
  EXPECT_FALSE(CanaryKey::load(dir.file("huge")));
  EXPECT_FALSE(CanaryKey::load(dir.file("missing")));
}

TEST(CanaryToken, TokensAreRandom128BitHex) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto token = make_canary_token();
    ASSERT_TRUE(token);
    EXPECT_TRUE(is_canary_token(*token)) << *token;
    seen.insert(*token);
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_TRUE(is_canary_token(kToken));
  EXPECT_FALSE(is_canary_token("0123456789ABCDEF0123456789abcdef"));
  EXPECT_FALSE(is_canary_token("0123456789abcdef0123456789abcde"));
  EXPECT_FALSE(is_canary_token("0123456789abcdef0123456789abcdef0"));
  EXPECT_FALSE(is_canary_token("0123456789abcdef0123456789abcdeg"));
}

TEST(CanaryRequestHead, FindsTheEndOfTheHead) {
  EXPECT_EQ(CanaryRequestHead::find_end("GET / HTTP/1.1\r\nHost: x\r\n\r\nmore", 0), 27u);
  EXPECT_EQ(CanaryRequestHead::find_end("GET / HTTP/1.0\n\n", 0), 16u);
  EXPECT_EQ(CanaryRequestHead::find_end("GET / HTTP/1.1\r\nHost: x\r\n", 0), 0u);
  EXPECT_EQ(CanaryRequestHead::find_end("", 0), 0u);
  EXPECT_EQ(CanaryRequestHead::find_end("\n", 0), 0u);
}

TEST(CanaryRequestHead, AcceptsOnlyTheTokenRequest) {
  const std::string token(kToken);
  const auto parse = [](const std::string& head) { return CanaryRequestHead::parse(head); };
  // Origin form (SOCKS, CONNECT tunnels) and absolute form (HTTP proxies that forward it so).
  for (const std::string& head : {"GET /fumidai-canary/" + token + " HTTP/1.1\r\nHost: 198.19.0.245\r\n\r\n",
                                  "GET /fumidai-canary/" + token + " HTTP/1.0\r\n\r\n",
                                  "GET http://198.19.0.245:80/fumidai-canary/" + token + " HTTP/1.1\r\n\r\n",
                                  "GET HTTP://canary.example/fumidai-canary/" + token + " HTTP/1.1\n\n"}) {
    const CanaryRequest request = parse(head);
    EXPECT_TRUE(request.valid) << head;
    EXPECT_EQ(request.token, token);
  }
  // Anything else is bad, and shows what stood where the token belongs.
  EXPECT_EQ(parse("GET /fumidai-canary/" + token + "0 HTTP/1.1\r\n\r\n").token, token + "0");
  EXPECT_EQ(parse("GET /fumidai-canary/0123456789ABCDEF0123456789abcdef HTTP/1.1\r\n\r\n").token,
            "0123456789ABCDEF0123456789abcdef");
  EXPECT_EQ(parse("GET / HTTP/1.1\r\n\r\n").token, "/");
  EXPECT_EQ(parse("GET http:///fumidai-canary/" + token + " HTTP/1.1\r\n\r\n").token,
            "http:///fumidai-canary/" + token);
  for (const std::string& head :
       {"POST /fumidai-canary/" + token + " HTTP/1.1\r\n\r\n", "GET /fumidai-canary/" + token + " HTTP/2.0\r\n\r\n",
        "GET  /fumidai-canary/" + token + " HTTP/1.1\r\n\r\n", "GET /fumidai-canary/" + token + "\r\n\r\n",
        std::string("\x16\x03\x01\x02", 4), std::string(), "GET /fumidai-canary/" + token + "?x=1 HTTP/1.1\r\n\r\n"}) {
    EXPECT_FALSE(parse(head).valid) << head;
  }
  const CanaryRequest long_target = parse("GET /" + std::string(5000, 'a') + " HTTP/1.1\r\n\r\n");
  EXPECT_FALSE(long_target.valid);
  EXPECT_EQ(long_target.token.size(), CanaryRequest::kMaxLoggedBytes);
}

TEST(CanaryLog, LinesAreJsonAndBounded) {
  const std::string line = CanaryLog::format_line({1'700'000'000'123'000'000, 0xc6130028, 40000, kToken, true});
  EXPECT_EQ(line, R"({"ts":"2023-11-14T22:13:20.123Z","peer_ip":"198.19.0.40","peer_port":40000,"token":")" +
                      std::string(kToken) + R"(","valid":true})" + "\n");
  // The worst a bad request can log: every byte a control character.
  const std::string nasty(5000, '\x01');
  const std::string bad = CanaryLog::format_line({0, 0, 0, nasty, false});
  EXPECT_LE(bad.size(), CanaryLog::kMaxLineBytes);
  const auto parsed = boost::json::parse(bad);
  EXPECT_FALSE(parsed.at("valid").as_bool());
}

TEST(CanaryServer, AnswersAValidTokenWithItsProofAndLogsIt) {
  ManualClock clock;
  LoopbackCanary canary(clock, quick_limits());
  const std::string response =
      ask(canary, "GET /fumidai-canary/" + std::string(kToken) + " HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response;
  EXPECT_TRUE(response.ends_with("\r\n\r\nfumidai-canary " + std::string(kToken) + " " + std::string(kProof) + "\n"));
  const std::string absolute =
      ask(canary, "GET http://127.0.0.1/fumidai-canary/" + std::string(kToken) + " HTTP/1.0\r\n\r\n");
  EXPECT_EQ(absolute.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  const auto lines = canary.log_lines();
  ASSERT_EQ(lines.size(), 2u);
  const auto entry = boost::json::parse(lines[0]).as_object();
  EXPECT_EQ(entry.at("token").as_string(), kToken);
  EXPECT_TRUE(entry.at("valid").as_bool());
  EXPECT_EQ(entry.at("peer_ip").as_string(), "127.0.0.1");
  EXPECT_GT(entry.at("peer_port").as_int64(), 0);
  EXPECT_TRUE(entry.contains("ts"));
  EXPECT_EQ(canary.stats().valid, 2u);
}

TEST(CanaryServer, BadRequestsGet400AndAreLoggedAsBad) {
  ManualClock clock;
  LoopbackCanary canary(clock, quick_limits());
  for (const std::string& request :
       {std::string("GET /fumidai-canary/0123456789ABCDEF0123456789ABCDEF HTTP/1.1\r\n\r\n"),
        std::string("GET / HTTP/1.1\r\n\r\n"), std::string("CONNECT 127.0.0.1:80 HTTP/1.1\r\n\r\n"),
        "\x05\x01\x00\n\n"s, "GET /fumidai-canary/\xff\x00\x01 HTTP/1.1\r\n\r\n"s}) {
    const std::string response = ask(canary, request);
    EXPECT_EQ(response.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << response;
    EXPECT_EQ(response.find("fumidai-canary "), std::string::npos);
  }
  const auto lines = canary.log_lines();
  ASSERT_EQ(lines.size(), 5u);
  for (const auto& line : lines) EXPECT_FALSE(boost::json::parse(line).at("valid").as_bool()) << line;
  EXPECT_EQ(boost::json::parse(lines[0]).at("token").as_string(), "0123456789ABCDEF0123456789ABCDEF");
  EXPECT_EQ(boost::json::parse(lines[4]).at("token").as_string(), "\xef\xbf\xbd\xef\xbf\xbd\x01")
      << "raw bytes become safe text";
  EXPECT_EQ(canary.stats().bad, 5u);
}

TEST(CanaryServer, AnOversizedHeadIsABoundedBadRequest) {
  ManualClock clock;
  CanaryLimits limits = quick_limits();
  limits.max_head_bytes = 1024;
  LoopbackCanary canary(clock, limits);
  Client client(canary.port());
  // A valid request line, then headers that never end: judged once the buffer is full.
  client.send("GET /fumidai-canary/" + std::string(kToken) + " HTTP/1.1\r\n" + std::string(2000, 'a'));
  const std::string response = client.read_until_close();
  EXPECT_EQ(response.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << response;
  const auto lines = canary.log_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_FALSE(boost::json::parse(lines[0]).at("valid").as_bool());
}

TEST(CanaryServer, SlowlorisEndsAtTheIdleTimeoutOfTheInjectedClock) {
  ManualClock clock;
  LoopbackCanary canary(clock, quick_limits());
  Client client(canary.port());
  ASSERT_TRUE(client.send("GET /fumidai-canary/"));
  wait_for_connections(canary, 1);
  clock.advance(9s);
  ASSERT_TRUE(client.send(std::string(kToken)));
  clock.advance(1001ms);
  EXPECT_TRUE(client.peer_closed());
  wait_for_connections(canary, 0);
  EXPECT_TRUE(canary.log_lines().empty()) << "no complete request, nothing logged";
  EXPECT_EQ(canary.stats().incomplete, 1u);
}

TEST(CanaryServer, ConnectionsOverTheLimitAreClosedAtOnce) {
  ManualClock clock;
  CanaryLimits limits = quick_limits();
  limits.max_connections = 2;
  LoopbackCanary canary(clock, limits);
  Client first(canary.port());
  Client second(canary.port());
  wait_for_connections(canary, 2);
  Client third(canary.port());
  EXPECT_TRUE(third.peer_closed());
  EXPECT_EQ(canary.stats().rejected, 1u);
  first.send("GET /fumidai-canary/" + std::string(kToken) + " HTTP/1.1\r\n\r\n");
  EXPECT_EQ(first.read_until_close().rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
}

}  // namespace
