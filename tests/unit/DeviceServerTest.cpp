// The device emulator in-process on loopback: plain sockets and an asio TLS
// client fetch pages, a favicon and a certificate, and poke the hostile
// behaviors and the limits. Time is a ManualClock, so the deadlines fire
// when the test says so; nothing here measures wall-clock time. Each test
// process binds its own 127.x.y.z (derived from its pid), so parallel runs
// do not collide.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "devices/DeviceConfig.h"
#include "devices/DeviceServer.h"
#include "fumidai/core/ManualClock.h"

using fumidai::ManualClock;
using fumidai::lab::DeviceConfig;
using fumidai::lab::DeviceServer;

namespace {

namespace asio = boost::asio;

// Only a guard against a hung test; no test asserts how long anything takes.
constexpr int kSocketTimeoutSeconds = 20;

// `base` 100 for the server; 200 for a second client source address.
std::string test_address(unsigned base = 100) {
  const auto pid = static_cast<unsigned>(getpid());
  return "127." + std::to_string(base + ((pid >> 16) & 63)) + "." + std::to_string((pid >> 8) & 255) + "." +
         std::to_string(pid & 255);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A blocking client socket with receive and send timeouts.
class Client {
 public:
  Client(const std::string& ip, int port) : fd_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    timeval timeout{kSocketTimeoutSeconds, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET, ip.c_str(), &address.sin_addr);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  ~Client() { close(fd_); }

  bool connected() const { return connected_; }
  void send(const std::string& bytes) {
    ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
  }

  // Up to `limit` bytes, until the peer closes (or the guard timeout).
  std::string read_until_close(std::size_t limit = 1 << 20) {
    std::string out;
    char buffer[4096];
    while (out.size() < limit) {
      const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
  }
  // Exactly `count` bytes, or fewer if the connection ends first.
  std::string read_exactly(std::size_t count) {
    std::string out;
    char buffer[4096];
    while (out.size() < count) {
      const ssize_t n = recv(fd_, buffer, std::min(sizeof buffer, count - out.size()), 0);
      if (n <= 0) break;
      out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
  }
  // One HTTP/1.1 response with a Content-Length, on a kept-alive connection.
  std::string read_response() {
    std::string out;
    while (out.find("\r\n\r\n") == std::string::npos) {
      const std::string more = read_exactly(1);
      if (more.empty()) return out;
      out += more;
    }
    const std::size_t length_at = out.find("Content-Length: ");
    if (length_at == std::string::npos) return out;
    const std::size_t length = std::stoul(out.substr(length_at + 16));
    return out + read_exactly(length);
  }
  // True when the peer closed: recv returns 0 (or a reset).
  bool peer_closed() {
    char byte = 0;
    return recv(fd_, &byte, 1, 0) <= 0;
  }
  int fd() const { return fd_; }

 private:
  int fd_;
  bool connected_ = false;
};

// A UDP socket bound to `ip` (so that its source address is known) that
// sends to one server address and receives with a guard timeout.
class DatagramClient {
 public:
  DatagramClient(const std::string& ip, const std::string& server_ip, int port)
      : fd_(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    timeval timeout{kSocketTimeoutSeconds, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    inet_pton(AF_INET, ip.c_str(), &local.sin_addr);
    bound_ = bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) == 0;
    server_.sin_family = AF_INET;
    server_.sin_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET, server_ip.c_str(), &server_.sin_addr);
  }
  DatagramClient(const DatagramClient&) = delete;
  DatagramClient& operator=(const DatagramClient&) = delete;
  ~DatagramClient() { close(fd_); }

  bool bound() const { return bound_; }
  void send(const std::string& bytes) {
    ASSERT_EQ(sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr*>(&server_), sizeof server_),
              static_cast<ssize_t>(bytes.size()));
  }
  // The next datagram (empty after the guard timeout).
  std::string receive() {
    char buffer[65536];
    const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
    return n <= 0 ? std::string() : std::string(buffer, static_cast<std::size_t>(n));
  }

 private:
  int fd_;
  bool bound_ = false;
  sockaddr_in server_{};
};

std::string u16(unsigned v) { return {static_cast<char>(v >> 8), static_cast<char>(v & 0xff)}; }
std::string u32(std::uint32_t v) { return u16(v >> 16) + u16(v & 0xffff); }
std::string padded(std::string_view text, std::size_t size) {
  std::string out(text);
  out.resize(size, '\0');
  return out;
}
std::string pptp_header(unsigned length, unsigned control_type) {
  return u16(length) + u16(1) + u32(0x1A2B3C4D) + u16(control_type) + u16(0);
}
std::string pptp_sccrq() {
  return pptp_header(156, 1) + u16(0x0100) + u16(0) + u32(1) + u32(1) + u16(0) + u16(0) + padded("scanner", 64) +
         padded("fumidai", 64);
}
std::string avp(bool mandatory, unsigned type, const std::string& value) {
  return u16((mandatory ? 0x8000 : 0) | (6 + value.size())) + u16(0) + u16(type) + value;
}
std::string l2tp(unsigned tunnel_id, unsigned ns, unsigned nr, const std::string& avps) {
  return u16(0xC802) + u16(12 + avps.size()) + u16(tunnel_id) + u16(0) + u16(ns) + u16(nr) + avps;
}
std::string ssdp_search(const std::string& st) {
  return "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: " + st +
         "\r\n\r\n";
}

// Whether the peer closes (or sends) within `ms`: used only to show that a
// connection that should stay open does; a correct server never trips it.
bool activity_within(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, ms) != 0;
}

std::string body_of(const std::string& response) {
  const std::size_t end = response.find("\r\n\r\n");
  return end == std::string::npos ? std::string() : response.substr(end + 4);
}

class DeviceServerTest : public testing::Test {
 protected:
  void SetUp() override { ip_ = test_address(); }

  // Starts a server with `personas` (JSON array body) and `limits` (JSON object body).
  void start(const std::string& personas, const std::string& limits = R"("threads": 2)") {
    const std::string json = R"({"limits": {)" + limits + R"(}, "personas": [)" + personas + "]}";
    auto config = DeviceConfig::parse(json, FUMIDAI_LAB_DIR, "test.json");
    ASSERT_TRUE(config) << config.error().message;
    auto server = DeviceServer::open(*config, clock_);
    ASSERT_TRUE(server) << server.error().message;
    server_ = std::move(*server);
    server_->start();
  }

  std::string listen(int port, bool tls = false) {
    return R"([{"ip": ")" + ip_ + R"(", "port": )" + std::to_string(port) + (tls ? R"(, "tls": true}])" : "}]");
  }
  std::string listen_udp(int port) {
    return R"([{"ip": ")" + ip_ + R"(", "port": )" + std::to_string(port) + R"(, "transport": "udp"}])";
  }

  std::string ip_;
  ManualClock clock_;
  std::unique_ptr<DeviceServer> server_;
};

std::string router_persona(const std::string& listen) {
  return R"({"name": "router", "protocol": "http", "behavior": "http", "expected_status": "success",
      "listen": )" +
         listen + R"(,
      "headers": [["Server", "Router Webserver"]],
      "pages": [
        {"path": "/", "status": 401,
         "headers": [["WWW-Authenticate", "Basic realm=\"TP-LINK Wireless Dual Band Gigabit Router Archer C7\""],
                     ["Content-Type", "text/html"]],
         "body": "<html><head><title>401 Unauthorized</title><link rel=\"icon\" href=\"/favicon.ico\"></head></html>"},
        {"path": "/favicon.ico", "headers": [["Content-Type", "image/x-icon"]],
         "body_file": "personas/tplink-archer-c7/favicon.ico"}]})";
}

TEST_F(DeviceServerTest, ServesPagesFaviconAnd404WithKeepAlive) {
  start(router_persona(listen(18080)));
  Client client(ip_, 18080);
  ASSERT_TRUE(client.connected());

  client.send("GET / HTTP/1.1\r\nHost: router\r\n\r\n");
  const std::string root = client.read_response();
  EXPECT_EQ(root.rfind("HTTP/1.1 401 Unauthorized\r\n", 0), 0u) << root;
  EXPECT_NE(root.find("\r\nServer: Router Webserver\r\n"), std::string::npos);
  EXPECT_NE(root.find("\r\nWWW-Authenticate: Basic realm=\"TP-LINK Wireless Dual Band Gigabit Router Archer C7\"\r\n"),
            std::string::npos);
  EXPECT_NE(root.find("\r\nConnection: keep-alive\r\n"), std::string::npos);
  EXPECT_NE(body_of(root).find("<title>401 Unauthorized</title>"), std::string::npos);

  // Same connection, two pipelined requests.
  client.send("GET /favicon.ico HTTP/1.1\r\nHost: router\r\n\r\nGET /nothing-here HTTP/1.1\r\nHost: router\r\n\r\n");
  const std::string favicon = client.read_response();
  EXPECT_EQ(favicon.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << favicon;
  EXPECT_NE(favicon.find("\r\nContent-Type: image/x-icon\r\n"), std::string::npos);
  const std::string icon = read_file(std::string(FUMIDAI_LAB_DIR) + "/personas/tplink-archer-c7/favicon.ico");
  ASSERT_FALSE(icon.empty());
  EXPECT_EQ(body_of(favicon), icon);
  const std::string missing = client.read_response();
  EXPECT_EQ(missing.rfind("HTTP/1.1 404 Not Found\r\nServer: Router Webserver\r\n", 0), 0u) << missing;

  // HEAD and Connection: close: the head alone, then the server closes.
  client.send("HEAD / HTTP/1.1\r\nConnection: close\r\n\r\n");
  const std::string head = client.read_until_close();
  EXPECT_EQ(head.rfind("HTTP/1.1 401 Unauthorized\r\n", 0), 0u);
  EXPECT_NE(head.find("\r\nConnection: close\r\n\r\n"), std::string::npos);
  EXPECT_TRUE(body_of(head).empty());
}

TEST_F(DeviceServerTest, AnswersGarbageAndOversizedHeadsWith400) {
  start(router_persona(listen(18081)), R"("threads": 1, "max_request_head_bytes": 256)");
  {
    Client client(ip_, 18081);
    client.send("HELLO\r\n\r\n");
    EXPECT_EQ(client.read_until_close().rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u);
  }
  Client client(ip_, 18081);
  client.send("GET / HTTP/1.1\r\nX-Long: " + std::string(400, 'a'));
  EXPECT_EQ(client.read_until_close().rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u);
}

TEST_F(DeviceServerTest, TlsPersonaShowsTheConfiguredCertificate) {
  start(R"({"name": "vigor", "protocol": "http", "behavior": "http", "expected_status": "success",
      "listen": )" +
        listen(18443, true) + R"(,
      "pages": [{"path": "/", "headers": [["Content-Type", "text/html"]],
                 "body": "<html><head><title>Vigor Login Page</title></head></html>"}],
      "certificate": {"key": "ec-p256",
        "subject": "CN=Vigor Router,OU=DrayTek Support,O=DrayTek Corp.,L=HuKou,ST=HsinChu,C=TW",
        "issuer": "CN=Vigor Root,O=DrayTek Corp.,C=TW",
        "san": ["DNS:vigor.router", "IP:192.168.1.1"],
        "not_before": "2017-11-22T08:31:42Z", "not_after": "2037-11-17T08:31:42Z", "serial": "5a153726"}})");

  asio::io_context io;
  asio::ssl::context context(asio::ssl::context::tls_client);
  context.set_verify_mode(asio::ssl::verify_none);
  asio::ssl::stream<asio::ip::tcp::socket> stream(io, context);
  boost::system::error_code ec;
  stream.next_layer().connect({asio::ip::make_address_v4(ip_), 18443}, ec);
  ASSERT_FALSE(ec) << ec.message();
  timeval timeout{kSocketTimeoutSeconds, 0};
  setsockopt(stream.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  stream.handshake(asio::ssl::stream_base::client, ec);
  ASSERT_FALSE(ec) << ec.message();

  std::unique_ptr<X509, decltype(&X509_free)> certificate(SSL_get1_peer_certificate(stream.native_handle()), X509_free);
  ASSERT_TRUE(certificate);
  const auto rfc2253 = [](const X509_NAME* name) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
  };
  EXPECT_EQ(rfc2253(X509_get_subject_name(certificate.get())),
            "CN=Vigor Router,OU=DrayTek Support,O=DrayTek Corp.,L=HuKou,ST=HsinChu,C=TW");
  EXPECT_EQ(rfc2253(X509_get_issuer_name(certificate.get())), "CN=Vigor Root,O=DrayTek Corp.,C=TW");
  // Real certificates keep C first in the DER; RFC 4514 prints it last.
  const X509_NAME_ENTRY* first = X509_NAME_get_entry(X509_get_subject_name(certificate.get()), 0);
  EXPECT_EQ(OBJ_obj2nid(X509_NAME_ENTRY_get_object(first)), NID_countryName);

  std::unique_ptr<ASN1_TIME, decltype(&ASN1_TIME_free)> expected(ASN1_TIME_new(), ASN1_TIME_free);
  ASN1_TIME_set_string_X509(expected.get(), "20171122083142Z");
  EXPECT_EQ(ASN1_TIME_compare(X509_get0_notBefore(certificate.get()), expected.get()), 0);
  ASN1_TIME_set_string_X509(expected.get(), "20371117083142Z");
  EXPECT_EQ(ASN1_TIME_compare(X509_get0_notAfter(certificate.get()), expected.get()), 0);
  std::unique_ptr<BIGNUM, decltype(&BN_free)> serial(
      ASN1_INTEGER_to_BN(X509_get0_serialNumber(certificate.get()), nullptr), BN_free);
  std::unique_ptr<char, void (*)(char*)> serial_hex(BN_bn2hex(serial.get()), [](char* p) { OPENSSL_free(p); });
  EXPECT_STREQ(serial_hex.get(), "5A153726");
  EXPECT_EQ(X509_check_host(certificate.get(), "vigor.router", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(certificate.get(), "192.168.1.1", 0), 1);

  asio::write(stream, asio::buffer(std::string("GET / HTTP/1.1\r\nHost: vigor\r\nConnection: close\r\n\r\n")), ec);
  ASSERT_FALSE(ec) << ec.message();
  std::string response;
  char buffer[4096];
  while (true) {
    const std::size_t n = stream.read_some(asio::buffer(buffer), ec);
    response.append(buffer, n);
    if (ec) break;
  }
  // The server sends close_notify after a Connection: close response.
  EXPECT_EQ(ec, asio::error::eof) << ec.message();
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response;
  EXPECT_NE(response.find("<title>Vigor Login Page</title>"), std::string::npos);
}

TEST_F(DeviceServerTest, HostilePeersMisbehaveAsConfigured) {
  start(R"(
    {"name": "endless", "protocol": "http", "behavior": "endless-headers", "expected_status": "protocol-error",
     "listen": )" +
        listen(18101) + R"(},
    {"name": "huge", "protocol": "http", "behavior": "huge-body", "expected_status": "success",
     "listen": )" +
        listen(18102) + R"(, "body_bytes": 10737418240},
    {"name": "garbage", "protocol": "http", "behavior": "tls-garbage", "expected_status": "handshake-error",
     "listen": )" +
        listen(18103, true) + R"(},
    {"name": "storm", "protocol": "telnet", "behavior": "telnet-storm", "expected_status": "protocol-error",
     "listen": )" +
        listen(18104) + R"(},
    {"name": "close", "protocol": "http", "behavior": "close", "expected_status": "protocol-error",
     "listen": )" +
        listen(18105) + R"(},
    {"name": "ftp", "protocol": "ftp", "behavior": "banner", "expected_status": "success",
     "listen": )" +
        listen(18106) + R"(, "banner": "220 FRITZ!Box7590 FTP server ready.\r\n"})");

  {
    Client client(ip_, 18101);
    client.send("GET / HTTP/1.1\r\n\r\n");
    const std::string head = client.read_exactly(256u * 1024);
    EXPECT_EQ(head.size(), 256u * 1024);
    EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
    EXPECT_EQ(head.find("\r\n\r\n"), std::string::npos);
  }
  {
    Client client(ip_, 18102);
    client.send("GET / HTTP/1.1\r\n\r\n");
    const std::string start_of = client.read_exactly(256u * 1024);
    ASSERT_NE(start_of.find("\r\nContent-Length: 10737418240\r\n"), std::string::npos);
    const std::string body = body_of(start_of);
    EXPECT_GT(body.size(), 100u * 1024);
    EXPECT_EQ(body.find_first_not_of('\0'), std::string::npos);
  }
  {
    Client client(ip_, 18103);
    client.send(std::string("\x16\x03\x01\x00\x05hello", 10));
    const std::string garbage = client.read_exactly(5);
    ASSERT_EQ(garbage.size(), 5u);
    EXPECT_NE(garbage[1], '\x03');
  }
  {
    Client client(ip_, 18104);
    const std::string storm = client.read_exactly(64u * 1024);
    ASSERT_EQ(storm.size(), 64u * 1024);
    EXPECT_EQ(storm.substr(0, 3), std::string("\xff\xfd\x00", 3));
    EXPECT_EQ(storm.substr(3, 3), std::string("\xff\xfb\x00", 3));
  }
  {
    Client client(ip_, 18105);
    EXPECT_TRUE(client.peer_closed());
  }
  {
    Client client(ip_, 18106);
    EXPECT_EQ(client.read_exactly(37), "220 FRITZ!Box7590 FTP server ready.\r\n");
  }
}

TEST_F(DeviceServerTest, DripSendsOneByteEachIntervalOfTheInjectedClock) {
  start(R"({"name": "slow", "protocol": "http", "behavior": "drip", "expected_status": "io-timeout",
      "listen": )" +
        listen(18110) + R"(, "pages": [{"path": "/", "body": "x"}], "drip_interval_ms": 1000})");
  Client client(ip_, 18110);
  client.send("GET / HTTP/1.1\r\n\r\n");
  EXPECT_EQ(client.read_exactly(1), "H");
  for (const char expected : std::string("TTP/1.1")) {
    clock_.advance(std::chrono::seconds(1));
    EXPECT_EQ(client.read_exactly(1), std::string(1, expected));
  }
}

TEST_F(DeviceServerTest, RefusesConnectionsOverTheLimit) {
  start(router_persona(listen(18120)), R"("threads": 1, "max_connections": 2)");
  // One listening socket accepts in arrival order: the first two take the
  // slots, the third is accepted and closed at once.
  Client first(ip_, 18120);
  Client second(ip_, 18120);
  Client third(ip_, 18120);
  ASSERT_TRUE(first.connected());
  ASSERT_TRUE(second.connected());
  EXPECT_TRUE(third.peer_closed());
  first.send("GET / HTTP/1.1\r\n\r\n");
  EXPECT_EQ(first.read_response().rfind("HTTP/1.1 401 Unauthorized\r\n", 0), 0u);
}

TEST_F(DeviceServerTest, IdleKeepAliveConnectionsEndOnTheInjectedClock) {
  start(router_persona(listen(18121)), R"("connection_lifetime_ms": 30000, "idle_timeout_ms": 10000)");
  Client client(ip_, 18121);
  client.send("GET / HTTP/1.1\r\n\r\n");
  // The response is the sync point: the idle deadline counts from when it was sent.
  ASSERT_EQ(client.read_response().rfind("HTTP/1.1 401", 0), 0u);
  clock_.advance(std::chrono::milliseconds(10001));
  EXPECT_TRUE(client.peer_closed());
}

TEST_F(DeviceServerTest, EveryConnectionEndsAtItsLifetime) {
  start(R"({"name": "ftp", "protocol": "ftp", "behavior": "banner", "expected_status": "success",
      "listen": )" +
            listen(18122) + R"(, "banner": "220 ready\r\n"})",
        R"("connection_lifetime_ms": 30000, "idle_timeout_ms": 10000)");
  Client client(ip_, 18122);
  // The banner is the sync point: it is sent after the accept that starts the lifetime.
  ASSERT_EQ(client.read_exactly(11), "220 ready\r\n");
  // Past the idle timeout: a banner persona waits for nothing, so it stays.
  clock_.advance(std::chrono::milliseconds(10001));
  client.send("USER anonymous\r\n");
  clock_.advance(std::chrono::milliseconds(20000));
  EXPECT_TRUE(client.peer_closed());
}

TEST_F(DeviceServerTest, PptpPersonaAnswersStartAndStopRequests) {
  start(R"({"name": "rtx", "protocol": "pptp", "behavior": "pptp", "expected_status": "success", "listen": )" +
        listen(18130) + R"(, "pptp": {"host_name": "RTX1210", "vendor": "YAMAHA Corporation",
        "firmware_revision": 258, "framing_capabilities": 1, "bearer_capabilities": 1, "max_channels": 0}})");
  Client client(ip_, 18130);
  // In two pieces: the server frames messages by their length field.
  const std::string request = pptp_sccrq();
  client.send(request.substr(0, 100));
  client.send(request.substr(100));
  const std::string expected = pptp_header(156, 2) + u16(0x0100) + std::string("\x01\0", 2) + u32(1) + u32(1) + u16(0) +
                               u16(258) + padded("RTX1210", 64) + padded("YAMAHA Corporation", 64);
  EXPECT_EQ(client.read_exactly(156), expected);
  EXPECT_FALSE(activity_within(client.fd(), 300)) << "the control connection should stay open";
  // An Echo-Request is read past; a StopCCRQ gets its reply, then the close.
  client.send(pptp_header(16, 5) + u32(1) + pptp_header(16, 3) + u16(0x0100) + u16(0));
  EXPECT_EQ(client.read_until_close(), pptp_header(16, 4) + std::string("\x01\0\0\0", 4));
}

TEST_F(DeviceServerTest, PptpPersonasMisbehaveAsConfigured) {
  const std::string tunnel = R"("pptp": {"host_name": "MikroTik", "vendor": "MikroTik", "firmware_revision": 1})";
  start(R"({"name": "magic", "protocol": "pptp", "behavior": "pptp", "expected_status": "protocol-error", "listen": )" +
        listen(18131) + ", " + tunnel + R"(, "reply_patch": {"offset": 4, "bytes": "\u00de\u00ad\u00be\u00ef"}},
        {"name": "cut", "protocol": "pptp", "behavior": "pptp", "expected_status": "protocol-error", "listen": )" +
        listen(18132) + ", " + tunnel + R"(, "reply_bytes": 60})");
  const std::string reply = pptp_header(156, 2) + u16(0x0100) + std::string("\x01\0", 2) + u32(3) + u32(3) + u16(0) +
                            u16(1) + padded("MikroTik", 64) + padded("MikroTik", 64);
  {
    Client client(ip_, 18131);
    client.send(pptp_sccrq());
    EXPECT_EQ(client.read_exactly(156), reply.substr(0, 4) + "\xde\xad\xbe\xef" + reply.substr(8));
  }
  {
    Client client(ip_, 18132);
    client.send(pptp_sccrq());
    EXPECT_EQ(client.read_until_close(), reply.substr(0, 60));
  }
  {
    // Not a PPTP control message: closed without a word, as pptpd does.
    Client client(ip_, 18131);
    client.send("GET / HTTP/1.1\r\n\r\n");
    EXPECT_EQ(client.read_until_close(), "");
  }
}

TEST_F(DeviceServerTest, L2tpPersonaAnswersStartRequestsAndAcksStops) {
  start(R"({"name": "lns", "protocol": "l2tp", "behavior": "l2tp", "expected_status": "success", "listen": )" +
            listen_udp(18140) + R"(, "l2tp": {"host_name": "MikroTik", "vendor": "MikroTik", "firmware_revision": 1}})",
        R"("threads": 2, "max_datagram_bytes": 512)");
  DatagramClient client(ip_, ip_, 18140);
  ASSERT_TRUE(client.bound());
  const auto sccrq = [](unsigned tunnel_id) {
    return l2tp(0, 0, 0,
                avp(true, 0, u16(1)) + avp(true, 2, u16(0x0100)) + avp(true, 7, "scanner") + avp(true, 3, u32(3)) +
                    avp(true, 9, u16(tunnel_id)));
  };
  const auto sccrp = [](unsigned peer_tunnel_id, unsigned assigned) {
    return l2tp(peer_tunnel_id, 0, 1,
                avp(true, 0, u16(2)) + avp(true, 2, u16(0x0100)) + avp(true, 9, u16(assigned)) + avp(true, 3, u32(3)) +
                    avp(true, 4, u32(3)) + avp(false, 6, u16(1)) + avp(true, 7, "MikroTik") +
                    avp(false, 8, "MikroTik") + avp(true, 10, u16(4)));
  };
  // Neither garbage nor a request longer than max_datagram_bytes gets an
  // answer: the first reply is the valid request's.
  client.send("hello");
  client.send(sccrq(0x1111) + std::string(600, 'p'));
  client.send(sccrq(0x1234));
  EXPECT_EQ(client.receive(), sccrp(0x1234, 1));
  client.send(sccrq(0x5678));
  EXPECT_EQ(client.receive(), sccrp(0x5678, 2));
  // StopCCN for our tunnel 1 from the peer's 0x1234: a ZLB to 0x1234, Ns its Nr, Nr its Ns + 1.
  client.send(l2tp(1, 1, 1, avp(true, 0, u16(4)) + avp(true, 9, u16(0x1234)) + avp(true, 1, u16(1))));
  EXPECT_EQ(client.receive(), l2tp(0x1234, 1, 2, ""));
}

TEST_F(DeviceServerTest, SsdpPersonaAnswersSearchesForItself) {
  start(R"({"name": "igd", "protocol": "upnp", "behavior": "ssdp", "expected_status": "success", "listen": )" +
        listen_udp(18150) + R"(, "headers": [["X-User-Agent", "redsonic"]],
        "ssdp": {"server": "Linux/2.6.36.4brcmarm, UPnP/1.0, Portable SDK for UPnP devices/1.6.18",
                 "location": "http://192.168.1.1:49152/desc.xml", "udn": "uuid:3ddcd1d3-2380-45f5-b069-2c56dc5a1e20",
                 "device_type": "urn:schemas-upnp-org:device:InternetGatewayDevice:1"}})");
  DatagramClient client(ip_, ip_, 18150);
  ASSERT_TRUE(client.bound());
  const auto reply = [](const std::string& st, const std::string& usn) {
    return "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\nLOCATION: http://192.168.1.1:49152/desc.xml\r\n"
           "SERVER: Linux/2.6.36.4brcmarm, UPnP/1.0, Portable SDK for UPnP devices/1.6.18\r\nST: " +
           st + "\r\nUSN: " + usn + "\r\nX-User-Agent: redsonic\r\n\r\n";
  };
  const std::string udn = "uuid:3ddcd1d3-2380-45f5-b069-2c56dc5a1e20";
  const std::string igd = "urn:schemas-upnp-org:device:InternetGatewayDevice:1";
  // A search for another kind of device, a NOTIFY and a search without MAN
  // get nothing: the first reply is the rootdevice search's.
  client.send(ssdp_search("urn:schemas-upnp-org:device:MediaRenderer:1"));
  client.send("NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n\r\n");
  client.send("M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\n");
  client.send(ssdp_search("upnp:rootdevice"));
  EXPECT_EQ(client.receive(), reply("upnp:rootdevice", udn + "::upnp:rootdevice"));
  client.send(ssdp_search("ssdp:all"));
  EXPECT_EQ(client.receive(), reply("upnp:rootdevice", udn + "::upnp:rootdevice"));
  client.send(ssdp_search(udn));
  EXPECT_EQ(client.receive(), reply(udn, udn));
  client.send(ssdp_search(igd));
  EXPECT_EQ(client.receive(), reply(igd, udn + "::" + igd));
}

TEST_F(DeviceServerTest, UdpRepliesStayWithinThePerSourceRate) {
  start(R"({"name": "flood", "protocol": "upnp", "behavior": "ssdp", "expected_status": "success", "listen": )" +
            listen_udp(18160) + R"(, "reply_copies": 50,
        "ssdp": {"server": "s", "location": "http://192.168.0.1:49152/desc.xml", "udn": "uuid:u",
                 "device_type": "urn:d"}})",
        R"("threads": 1, "udp_replies_per_source_per_second": 20)");
  DatagramClient a(ip_, ip_, 18160);
  DatagramClient b(test_address(200), ip_, 18160);
  ASSERT_TRUE(a.bound());
  ASSERT_TRUE(b.bound());
  const std::string root = "\r\nST: upnp:rootdevice\r\n";
  const std::string typed = "\r\nST: urn:d\r\n";
  a.send(ssdp_search("urn:d"));
  for (int i = 0; i < 20; ++i) ASSERT_NE(a.receive().find(typed), std::string::npos) << i;
  // Over a's budget for this second: no reply. b's budget is its own, and
  // b's answer shows the server has read a's search (one socket, in order).
  a.send(ssdp_search("uuid:u"));
  b.send(ssdp_search("upnp:rootdevice"));
  EXPECT_NE(b.receive().find(root), std::string::npos);
  // A second later on the injected clock a has a budget again; what it gets
  // next is that reply: nothing past the first 20 copies, nothing for uuid:u.
  clock_.advance(std::chrono::seconds(1));
  a.send(ssdp_search("upnp:rootdevice"));
  EXPECT_NE(a.receive().find(root), std::string::npos);
}

TEST_F(DeviceServerTest, SstpDuplexPostHoldsTheConnectionOpen) {
  start(R"({"name": "sstp", "protocol": "sstp", "behavior": "http", "expected_status": "success", "listen": )" +
            listen(18170) + R"(,
        "pages": [{"path": "/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/", "method": "SSTP_DUPLEX_POST",
                   "status": 200, "reason": "", "declared_length": 18446744073709551615}]})",
        R"("connection_lifetime_ms": 30000, "idle_timeout_ms": 10000)");
  {
    Client client(ip_, 18170);
    client.send("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(client.read_until_close().rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u);
  }
  Client client(ip_, 18170);
  client.send(
      "SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1\r\nHost: vpn\r\n"
      "Content-Length: 18446744073709551615\r\nSSTPCORRELATIONID: {8B7A2C4E-4C1D-4F62-9E3B-2A1F0C6D5E4B}\r\n\r\n");
  const std::string head = "HTTP/1.1 200\r\nContent-Length: 18446744073709551615\r\n\r\n";
  EXPECT_EQ(client.read_exactly(head.size()), head);
  EXPECT_FALSE(activity_within(client.fd(), 300)) << "the SSTP connection should stay open";
  // An SSTP Call Connect Request is read and ignored; the lifetime ends it.
  client.send(std::string("\x10\x01\x00\x0e\x00\x01\x00\x01\x01\x00\x00\x06\x00\x01", 14));
  clock_.advance(std::chrono::milliseconds(10001));
  EXPECT_FALSE(activity_within(client.fd(), 300)) << "past the idle timeout, the SSTP connection should stay open";
  clock_.advance(std::chrono::milliseconds(20000));
  EXPECT_TRUE(client.peer_closed());
}

}  // namespace
