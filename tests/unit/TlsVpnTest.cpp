// SSTP and SSL VPN portals behind the "https" module: the portal rules (the
// shipped data file and its parser), the SSTP request and answer check, and
// the module end to end against TLS servers on loopback.
// data/sslvpn/ocserv-1.1.6-root.http is ocserv 1.1.6's (Debian 12) real
// answer to GET / in a lab namespace.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <string_view>

#include "fumidai/scanner/probes/http/HttpResponseParser.h"
#include "fumidai/scanner/probes/tlsvpn/SslVpnPortalRules.h"
#include "fumidai/scanner/probes/tlsvpn/SstpCheck.h"
#include "support/GrabHarness.h"
#include "support/LoopbackTlsServer.h"

namespace fumidai::scanner {
namespace {

using namespace std::chrono_literals;
using namespace std::string_view_literals;
using test::GrabHarness;
using test::LoopbackTlsServer;

constexpr std::uint32_t kLoopback = 0x7f000001;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string ocserv_root() { return read_file(std::string(FUMIDAI_TEST_DATA_DIR) + "/sslvpn/ocserv-1.1.6-root.http"); }

HttpResponse parse(std::string_view raw) {
  HttpResponseParser parser({"https://127.0.0.1/", false});
  auto state = parser.feed({reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size()});
  if (state && *state != HttpParseState::complete) state = parser.finish();
  EXPECT_TRUE(state && *state == HttpParseState::complete) << raw;
  return parser.take_response();
}

std::string page(std::string_view status, std::string_view headers, std::string_view body) {
  return "HTTP/1.1 " + std::string(status) + "\r\n" + std::string(headers) +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

const SslVpnPortalRules& shipped() {
  static const SslVpnPortalRules rules = [] {
    auto parsed = SslVpnPortalRules::parse(read_file(std::string(FUMIDAI_SCANNER_DATA_DIR) + "/sslvpn-portals.conf"),
                                           "sslvpn-portals.conf");
    EXPECT_TRUE(parsed) << parsed.error().message;
    return parsed ? std::move(*parsed) : SslVpnPortalRules();
  }();
  return rules;
}

// ---- The shipped rules, product by product -----------------------------------

struct Example {
  std::string_view product;
  std::string root;       // the answer to GET /
  std::string follow_up;  // the answer to the follow path; empty: confirmed on GET /
};

std::vector<Example> examples() {
  return {
      {"Fortinet FortiGate SSL VPN",
       page("200 OK", "Server: xxxxxxxx-xxxxx\r\n",
            "<html><script type=\"text/javascript\">\nif (window!=top) top.location=window.location;"
            "top.location=\"/remote/login\";\n</script></html>"),
       page("200 OK", "Server: xxxxxxxx-xxxxx\r\n",
            "<html><head><title>Please Login</title><script src=\"/remote/fgt_lang?lang=en\"></script>")},
      {"OpenConnect server (ocserv)", ocserv_root(), ""},
      {"Cisco AnyConnect (ASA)",
       page("302 Object Moved", "Location: /+CSCOE+/logon.html\r\nSet-Cookie: webvpn=; path=/; secure\r\n", ""), ""},
      {"Cisco AnyConnect (ASA)", page("302 Object Moved", "Location: /+CSCOE+/logon.html\r\n", ""),
       page("200 OK", "", "<html><script src=\"/+CSCOE+/win.js\"></script>")},
      {"Palo Alto GlobalProtect", page("302 Found", "Location: /global-protect/login.esp\r\n", ""),
       page("200 OK", "", "<html><head><title>GlobalProtect Portal</title></head></html>")},
      {"Pulse Connect Secure / Ivanti Connect Secure",
       page("302 Found", "Location: https://vpn.example/dana-na/auth/url_default/welcome.cgi\r\n", ""),
       page("200 OK", "Set-Cookie: DSSignInURL=/; path=/; secure\r\n", "<html></html>")},
      {"SonicWall SSL VPN",
       page("302 Found", "Server: SonicWALL SSL-VPN Web Server\r\nLocation: /cgi-bin/welcome\r\n", ""), ""},
      {"Citrix Gateway (NetScaler)", page("302 Found", "Location: /vpn/index.html\r\nSet-Cookie: NSC_TEMP=xyz\r\n", ""),
       page("200 OK", "", "<html><head><title>NetScaler Gateway</title></head></html>")},
  };
}

TEST(SslVpnPortalRules, ShippedFileParsesAndIsTheBuiltIn) {
  ASSERT_FALSE(shipped().rules().empty());
  ASSERT_EQ(SslVpnPortalRules::built_in().rules().size(), shipped().rules().size());
  for (std::size_t i = 0; i < shipped().rules().size(); ++i)
    EXPECT_EQ(SslVpnPortalRules::built_in().rules()[i].product, shipped().rules()[i].product);
}

TEST(SslVpnPortalRules, EveryProductHasAWorkingExample) {
  std::set<std::string> covered;
  for (const Example& e : examples()) {
    SCOPED_TRACE(std::string(e.product));
    const HttpResponse root = parse(e.root);
    if (e.follow_up.empty()) {
      const auto match = shipped().confirmed(root);
      ASSERT_TRUE(match);
      EXPECT_EQ(match->rule->product, e.product) << match->condition->describe();
    } else {
      EXPECT_FALSE(shipped().confirmed(root));
      const auto hint = shipped().hinted(root);
      ASSERT_TRUE(hint);
      EXPECT_EQ(hint->rule->product, e.product);
      EXPECT_NE(SslVpnPortalRules::confirming(*hint->rule, parse(e.follow_up)), nullptr);
    }
    covered.insert(std::string(e.product));
  }
  for (const auto& rule : shipped().rules()) EXPECT_TRUE(covered.contains(rule.product)) << rule.product;
}

TEST(SslVpnPortalRules, PlainWebServersMatchNothing) {
  for (const std::string& raw : {
           page("200 OK", "Server: nginx\r\n", "<html><head><title>Welcome to nginx!</title></head></html>"),
           page("404 Not Found", "Server: lighttpd/1.4.69\r\n", "<h1>404 Not Found</h1>"),
           page("302 Found", "Location: /login.html\r\nSet-Cookie: SESSIONID=1\r\n", ""),
           page("401 Unauthorized", "WWW-Authenticate: Basic realm=\"TP-LINK\"\r\n", ""),
       }) {
    const HttpResponse r = parse(raw);
    EXPECT_FALSE(shipped().confirmed(r)) << raw;
    EXPECT_FALSE(shipped().hinted(r)) << raw;
  }
}

TEST(SslVpnPortalRules, FortiGateAdminPageIsOnlyAHint) {
  // The admin GUI shares the obfuscated Server header; /remote/login is not
  // there without SSL VPN.
  const auto hint = shipped().hinted(parse(page("200 OK", "Server: xxxxxxxx-xxxxx\r\n", "<html>login</html>")));
  ASSERT_TRUE(hint);
  EXPECT_EQ(hint->condition->describe(), "header:server is \"xxxxxxxx-xxxxx\"");
  EXPECT_EQ(SslVpnPortalRules::confirming(*hint->rule, parse(page("404 Not Found", "", "nope"))), nullptr);
}

TEST(SslVpnPortalRules, Operators) {
  auto rules = SslVpnPortalRules::parse(
      "product P\n"
      "confirm status is 302\n"
      "confirm header:X-Test prefix \"ab\"\n"
      "confirm body has \" b \"\n"
      "confirm cookie present\n"
      "confirm title is Exact Title\n",
      "test");
  ASSERT_TRUE(rules) << rules.error().message;
  const auto& rule = rules->rules().at(0);
  ASSERT_EQ(rule.confirms.size(), 5u);
  EXPECT_TRUE(rule.confirms[0].matches(parse(page("302 Found", "", ""))));
  EXPECT_FALSE(rule.confirms[0].matches(parse(page("200 OK", "", ""))));
  EXPECT_TRUE(rule.confirms[1].matches(parse(page("200 OK", "x-test: zz\r\nX-TEST:  ab\r\n", ""))));
  EXPECT_FALSE(rule.confirms[1].matches(parse(page("200 OK", "X-Test: xab\r\n", ""))));
  EXPECT_TRUE(rule.confirms[2].matches(parse(page("200 OK", "", "a b c"))));
  EXPECT_FALSE(rule.confirms[2].matches(parse(page("200 OK", "", "ab c"))));
  EXPECT_TRUE(rule.confirms[3].matches(parse(page("200 OK", "Set-Cookie: a=b\r\n", ""))));
  EXPECT_FALSE(rule.confirms[3].matches(parse(page("200 OK", "", ""))));
  EXPECT_TRUE(rule.confirms[4].matches(parse(page("200 OK", "", "<title>Exact Title</title>"))));
  EXPECT_FALSE(rule.confirms[4].matches(parse(page("200 OK", "", "<title>Exact Title 2</title>"))));
  EXPECT_EQ(rule.confirms[0].describe(), "status is 302");
  EXPECT_EQ(rule.confirms[1].describe(), "header:X-Test prefix \"ab\"");
  EXPECT_EQ(rule.confirms[2].describe(), "body has \" b \"");
  EXPECT_EQ(rule.confirms[3].describe(), "cookie present");
}

TEST(SslVpnPortalRules, BadFilesNameTheLine) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"", "f: no product"},
      {"confirm body has x\n", "f:1: \"confirm\" before the first product line"},
      {"product P\nconfirm nose has x\n",
       "f:2: unknown field \"nose\" (status, location, title, body, header:NAME, cookie)"},
      {"product P\nconfirm body like x\n", "f:2: unknown operator \"like\" (is, has, prefix, present)"},
      {"product P\nconfirm body has\n", "f:2: missing value"},
      {"product P\nconfirm body present\n", "f:2: \"present\" applies to header:NAME and cookie only"},
      {"product P\nconfirm cookie present x\n", "f:2: \"present\" takes no value"},
      {"product P\nconfirm status is 2xx\n", "f:2: status takes \"is NNN\""},
      {"product P\nconfirm status has 200\n", "f:2: status takes \"is NNN\""},
      {"product P\nhint body has x\n", "f: product \"P\" has no confirm line"},
      {"product P\nhint body has x\nconfirm body has y\n",
       "f: product \"P\" needs both hint and follow lines, or neither"},
      {"product P\nfollow /a\nfollow /b\n", "f:3: a second follow line"},
      {"product P\nfollow a b\n", "f:2: follow takes an absolute path, got \"a b\""},
      {"product P\nmatch body has x\n", "f:2: unknown keyword \"match\" (product, hint, confirm, follow)"},
      {"product\n", "f:1: product without a name"},
      {"product P\nproduct Q\nconfirm body has x\n", "f: product \"P\" has no confirm line"},
  };
  for (const auto& [text, want] : cases) {
    const auto rules = SslVpnPortalRules::parse(text, "f");
    ASSERT_FALSE(rules) << text;
    EXPECT_EQ(rules.error().message, want) << text;
  }
}

// ---- SSTP ---------------------------------------------------------------------

constexpr std::string_view kSstpAnswer =
    "HTTP/1.1 200\r\nContent-Length: 18446744073709551615\r\nServer: Microsoft-HTTPAPI/2.0\r\n"
    "Date: Mon, 01 Jan 2024 00:00:00 GMT\r\n\r\n";

TEST(Sstp, RequestIsTheDuplexPost) {
  EXPECT_EQ(sstp_duplex_post_request("192.0.2.1"),
            "SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1\r\n"
            "Host: 192.0.2.1\r\n"
            "SSTPCORRELATIONID: {6675D1DA-0000-4000-8000-66756D696461}\r\n"
            "Content-Length: 18446744073709551615\r\n\r\n");
}

TEST(Sstp, AnswerIs200WithTheEndlessLength) {
  HttpResponseParser parser({});
  ASSERT_TRUE(parser.feed({reinterpret_cast<const std::uint8_t*>(kSstpAnswer.data()), kSstpAnswer.size()}));
  ASSERT_TRUE(parser.headers_complete());
  EXPECT_TRUE(is_sstp_answer(parser.response()));
  EXPECT_FALSE(is_sstp_answer(parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")));
  EXPECT_FALSE(is_sstp_answer(parse("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")));
  EXPECT_FALSE(is_sstp_answer(parse("HTTP/1.1 200 OK\r\n\r\n")));
}

// ---- The "https" module on loopback ------------------------------------------

struct TlsGrab {
  explicit TlsGrab(LoopbackTlsServer::Handler handler) : server(std::move(handler)) {
    h.source.add({kLoopback, server.port()});
    h.run_to_end();
  }
  const GrabRecord& record() { return h.only_record(); }
  // The first line of each request the server received.
  std::vector<std::string> request_lines() {
    std::vector<std::string> lines;
    for (const std::string& head : server.heads()) lines.push_back(head.substr(0, head.find("\r\n")));
    return lines;
  }

  LoopbackTlsServer server;
  GrabHarness h{test::quick_grab_options(), "https"};
};

bool is_sstp(const std::string& head) { return head.starts_with("SSTP_DUPLEX_POST "); }

TEST(HttpsVpn, PlainWebServerCostsOneSstpRequestAndStaysHttp) {
  TlsGrab grab([](const std::string& head) -> std::optional<std::string> {
    if (is_sstp(head)) return page("405 Method Not Allowed", "Server: nginx\r\n", "");
    return page("200 OK", "Server: nginx\r\n", "<title>hello</title>");
  });
  const GrabRecord& r = grab.record();
  ASSERT_EQ(to_string(r.status), "success") << r.error;
  EXPECT_EQ(r.protocol, "http");
  EXPECT_EQ(r.data.at("title").as_string(), "hello");
  const auto& sstp = r.data.at("sstp").as_object();
  EXPECT_FALSE(sstp.at("answered").as_bool());
  EXPECT_EQ(sstp.at("status_code").to_number<int>(), 405);
  EXPECT_FALSE(r.data.contains("sslvpn"));
  EXPECT_TRUE(r.data.contains("tls"));
  EXPECT_EQ(grab.request_lines(),
            (std::vector<std::string>{"GET / HTTP/1.1",
                                      "SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1"}));
}

TEST(HttpsVpn, SstpServer) {
  TlsGrab grab([](const std::string& head) -> std::optional<std::string> {
    if (is_sstp(head)) return std::string(kSstpAnswer);
    return page("404 Not Found", "Server: Microsoft-HTTPAPI/2.0\r\n", "");
  });
  const GrabRecord& r = grab.record();
  ASSERT_EQ(to_string(r.status), "success") << r.error;
  EXPECT_EQ(r.protocol, "sstp");
  const auto& sstp = r.data.at("sstp").as_object();
  EXPECT_TRUE(sstp.at("answered").as_bool());
  EXPECT_EQ(sstp.at("status_code").to_number<int>(), 200);
  EXPECT_EQ(sstp.at("server").as_string(), "Microsoft-HTTPAPI/2.0");
  EXPECT_EQ(sstp.at("content_length").as_string(), "18446744073709551615");
  const auto heads = grab.server.heads();
  ASSERT_EQ(heads.size(), 2u);
  EXPECT_NE(heads[1].find("\r\nHost: 127.0.0.1:" + std::to_string(grab.server.port()) + "\r\n"), std::string::npos);
  EXPECT_NE(heads[1].find("\r\nSSTPCORRELATIONID: {"), std::string::npos);
}

TEST(HttpsVpn, SstpServerThatClosesOnGet) {
  TlsGrab grab([](const std::string& head) -> std::optional<std::string> {
    if (is_sstp(head)) return std::string(kSstpAnswer);
    return std::string();  // closes without a word
  });
  const GrabRecord& r = grab.record();
  EXPECT_EQ(to_string(r.status), "success") << r.error;
  EXPECT_EQ(r.protocol, "sstp");
  EXPECT_TRUE(r.error.empty());
}

TEST(HttpsVpn, OcservIsConfirmedFromGetAloneWithNoExtraRequest) {
  TlsGrab grab([](const std::string&) -> std::optional<std::string> { return ocserv_root(); });
  const GrabRecord& r = grab.record();
  ASSERT_EQ(to_string(r.status), "success") << r.error;
  EXPECT_EQ(r.protocol, "sslvpn");
  const auto& sslvpn = r.data.at("sslvpn").as_object();
  EXPECT_EQ(sslvpn.at("product").as_string(), "OpenConnect server (ocserv)");
  EXPECT_TRUE(sslvpn.at("confirmed").as_bool());
  EXPECT_EQ(boost::json::serialize(sslvpn.at("evidence")),
            R"(["GET /: body has \"<version who=\"sg\">0.1(1)</version>\""])");
  EXPECT_FALSE(r.data.contains("sstp"));
  EXPECT_EQ(grab.request_lines().size(), 1u);
}

TEST(HttpsVpn, FortiGateIsConfirmedByTheFollowUp) {
  TlsGrab grab([](const std::string& head) -> std::optional<std::string> {
    if (is_sstp(head)) return std::string();
    if (head.starts_with("GET /remote/login?lang=en "))
      return page("200 OK", "", "<title>Please Login</title><script src=\"/remote/fgt_lang?lang=en\"></script>");
    return page("200 OK", "", "<script>top.location=\"/remote/login\";</script>");
  });
  const GrabRecord& r = grab.record();
  ASSERT_EQ(to_string(r.status), "success") << r.error;
  EXPECT_EQ(r.protocol, "sslvpn");
  const auto& sslvpn = r.data.at("sslvpn").as_object();
  EXPECT_EQ(sslvpn.at("product").as_string(), "Fortinet FortiGate SSL VPN");
  EXPECT_TRUE(sslvpn.at("confirmed").as_bool());
  EXPECT_EQ(sslvpn.at("evidence").as_array().size(), 2u);
  EXPECT_EQ(sslvpn.at("follow_up").at("status_code").to_number<int>(), 200);
  EXPECT_EQ(sslvpn.at("follow_up").at("title").as_string(), "Please Login");
  EXPECT_FALSE(r.data.at("sstp").at("answered").as_bool());
  const auto lines = grab.request_lines();
  ASSERT_EQ(lines.size(), 3u) << "GET /, SSTP and one follow-up: never more";
  EXPECT_EQ(lines[2], "GET /remote/login?lang=en HTTP/1.1");
}

TEST(HttpsVpn, UnconfirmedHintStaysHttp) {
  TlsGrab grab([](const std::string& head) -> std::optional<std::string> {
    if (head.starts_with("GET / ")) return page("302 Found", "Location: /global-protect/login.esp\r\n", "");
    return page("404 Not Found", "", "");
  });
  const GrabRecord& r = grab.record();
  EXPECT_EQ(r.protocol, "http");
  const auto& sslvpn = r.data.at("sslvpn").as_object();
  EXPECT_EQ(sslvpn.at("product").as_string(), "Palo Alto GlobalProtect");
  EXPECT_FALSE(sslvpn.at("confirmed").as_bool());
  EXPECT_EQ(sslvpn.at("follow_up").at("path").as_string(), "/global-protect/login.esp");
  EXPECT_EQ(grab.request_lines().size(), 3u);
}

TEST(HttpsVpn, SilentSstpCostsOneReadTimeoutOnly) {
  // ocserv's way: it waits for the 2^64-1 byte body.
  TlsGrab grab([](const std::string& head) -> std::optional<std::string> {
    if (is_sstp(head)) return std::nullopt;
    return page("200 OK", "", "plain");
  });
  const GrabRecord& r = grab.record();
  EXPECT_EQ(to_string(r.status), "success") << r.error;
  EXPECT_EQ(r.protocol, "http");
  EXPECT_EQ(r.data.at("sstp").at("error").as_string(), "read timed out");
}

TEST(HttpsVpn, GetTimeoutMakesNoMoreRequests) {
  TlsGrab grab([](const std::string&) -> std::optional<std::string> { return std::nullopt; });
  EXPECT_EQ(to_string(grab.record().status), "io-timeout");
  EXPECT_FALSE(grab.record().data.contains("sstp"));
  EXPECT_EQ(grab.request_lines().size(), 1u);
}

TEST(HttpsVpn, PlainHttpModuleMakesNoVpnRequests) {
  // The same checks never run without TLS.
  test::LoopbackServer server([](int fd, const std::atomic<bool>&) {
    test::LoopbackServer::read_head(fd);
    test::LoopbackServer::send_all(fd, page("302 Found", "Location: /remote/login\r\n", ""));
  });
  GrabHarness h(test::quick_grab_options(), "http");
  h.source.add({kLoopback, server.port()});
  h.run_to_end();
  EXPECT_EQ(h.only_record().protocol, "http");
  EXPECT_FALSE(h.only_record().data.contains("sstp"));
  EXPECT_FALSE(h.only_record().data.contains("sslvpn"));
}

}  // namespace
}  // namespace fumidai::scanner
