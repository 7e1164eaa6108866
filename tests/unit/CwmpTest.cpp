// TR-069 CWMP: what a connection-request listener's answer to GET / says
// (CwmpFindings), and the "cwmp" module end to end on loopback.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <boost/json.hpp>
#include <mutex>
#include <string>
#include <string_view>

#include "fumidai/scanner/probes/cwmp/CwmpFindings.h"
#include "fumidai/scanner/probes/http/HttpResponseParser.h"
#include "support/GrabHarness.h"
#include "support/LoopbackServer.h"

namespace fumidai::scanner {
namespace {

using test::GrabHarness;
using test::LoopbackServer;

constexpr std::uint32_t kLoopback = 0x7f000001;

HttpResponse parse(std::string_view raw) {
  HttpResponseParser parser({});
  const auto state = parser.feed({reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size()});
  EXPECT_TRUE(state && *state == HttpParseState::complete) << raw;
  return parser.take_response();
}

std::vector<std::string> hints(std::string_view raw) { return cwmp_findings(parse(raw)).hints; }

TEST(CwmpFindings, HuaweiRomPagerDigest) {
  const CwmpFindings f =
      cwmp_findings(parse("HTTP/1.1 401 Unauthorized\r\nServer: RomPager/4.07 UPnP/1.0\r\n"
                          "WWW-Authenticate: Digest realm=\"HuaweiHomeGateway\", nonce=\"abc\", qop=\"auth\"\r\n"
                          "Content-Length: 0\r\n\r\n"));
  EXPECT_EQ(f.status, 401);
  EXPECT_EQ(f.server, "RomPager/4.07 UPnP/1.0");
  EXPECT_EQ(f.auth_scheme, "Digest");
  EXPECT_EQ(f.realm, "HuaweiHomeGateway");
  EXPECT_EQ(f.rompager_version, "4.07");
  EXPECT_EQ(f.hints, (std::vector<std::string>{"rompager", "misfortune-cookie-era", "realm-huawei-home-gateway"}));
}

TEST(CwmpFindings, RomPagerVersions) {
  const auto version = [](std::string_view server) {
    return cwmp_findings(
        parse("HTTP/1.1 404 Not Found\r\nServer: " + std::string(server) + "\r\nContent-Length: 0\r\n\r\n"));
  };
  EXPECT_EQ(version("Allegro-Software-RomPager/4.34").hints, (std::vector<std::string>{"rompager"}));
  EXPECT_EQ(version("Allegro-Software-RomPager/4.30b3").rompager_version, "4.30b3");
  EXPECT_EQ(version("Allegro-Software-RomPager/4.30b3").hints,
            (std::vector<std::string>{"rompager", "misfortune-cookie-era"}));
  EXPECT_EQ(version("RomPager-Digi/4.01.1").rompager_version, "4.01.1");
  EXPECT_EQ(version("Allegro-Software-RomPager/ 2.10").rompager_version, "2.10");
  EXPECT_EQ(version("Allegro-Software-RomPager/ 2.10").hints,
            (std::vector<std::string>{"rompager", "misfortune-cookie-era"}));
  EXPECT_EQ(version("RomPager").hints, (std::vector<std::string>{"rompager"}));
  EXPECT_FALSE(version("RomPager/").rompager_version);
  EXPECT_EQ(version("RomPager/5.40").hints, (std::vector<std::string>{"rompager"}));
}

TEST(CwmpFindings, OtherStacksAndRealms) {
  EXPECT_EQ(hints("HTTP/1.1 401 Unauthorized\r\nServer: tr069 http server\r\n"
                  "WWW-Authenticate: Basic realm=\"Thomson_cwmp_ABCD\"\r\nContent-Length: 0\r\n\r\n"),
            (std::vector<std::string>{"tr069-http-server", "realm-thomson-cwmp"}));
  EXPECT_EQ(hints("HTTP/1.1 404 Not Found\r\nServer: CPE-SERVER/1.0 Supports only GET\r\nContent-Length: 0\r\n\r\n"),
            (std::vector<std::string>{"cpe-server"}));
  EXPECT_EQ(hints("HTTP/1.1 401 Unauthorized\r\nServer: gSOAP/2.7\r\nContent-Length: 0\r\n\r\n"),
            (std::vector<std::string>{"gsoap"}));
  const CwmpFindings plain = cwmp_findings(parse("HTTP/1.1 204 No Content\r\n\r\n"));
  EXPECT_EQ(plain.status, 204);
  EXPECT_FALSE(plain.server);
  EXPECT_FALSE(plain.auth_scheme);
  EXPECT_TRUE(plain.hints.empty());
  EXPECT_EQ(cwmp_findings(parse("HTTP/1.1 401 x\r\nWWW-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n")).auth_scheme,
            "Basic");
}

// A listener that answers every request with `reply` and counts requests.
struct Listener {
  explicit Listener(std::string reply)
      : server([this, reply = std::move(reply)](int fd, const std::atomic<bool>&) {
          LoopbackServer::read_head(fd);
          {
            std::lock_guard lock(mutex);
            ++requests;
          }
          LoopbackServer::send_all(fd, reply);
          ::shutdown(fd, SHUT_WR);
        }) {}
  std::mutex mutex;
  int requests = 0;
  LoopbackServer server;
};

TEST(CwmpProbe, ListenerAnswerIsACwmpRecord) {
  Listener listener(
      "HTTP/1.1 401 Unauthorized\r\nServer: RomPager/4.07 UPnP/1.0\r\n"
      "WWW-Authenticate: Digest realm=\"HuaweiHomeGateway\", nonce=\"n\"\r\nContent-Length: 0\r\n\r\n");
  scanner::GrabOptions options = test::quick_grab_options();
  options.fetch_favicon = true;  // not for this module
  GrabHarness h(options, "cwmp");
  h.source.add({kLoopback, listener.server.port()});
  h.run_to_end();
  const GrabRecord& r = h.only_record();
  ASSERT_EQ(to_string(r.status), "success") << r.error;
  EXPECT_EQ(r.protocol, "cwmp");
  EXPECT_EQ(r.data.at("status_code").to_number<int>(), 401);
  const auto& cwmp = r.data.at("cwmp").as_object();
  EXPECT_EQ(cwmp.at("server").as_string(), "RomPager/4.07 UPnP/1.0");
  EXPECT_EQ(cwmp.at("auth_scheme").as_string(), "Digest");
  EXPECT_EQ(cwmp.at("realm").as_string(), "HuaweiHomeGateway");
  EXPECT_EQ(cwmp.at("rompager_version").as_string(), "4.07");
  EXPECT_EQ(boost::json::serialize(cwmp.at("hints")),
            R"(["rompager","misfortune-cookie-era","realm-huawei-home-gateway"])");
  EXPECT_FALSE(r.data.contains("favicon"));
  std::lock_guard lock(listener.mutex);
  EXPECT_EQ(listener.requests, 1);
}

TEST(CwmpProbe, NotHttpIsAProtocolError) {
  Listener listener("SSH-2.0-dropbear\r\n");
  GrabHarness h(test::quick_grab_options(), "cwmp");
  h.source.add({kLoopback, listener.server.port()});
  h.run_to_end();
  EXPECT_EQ(to_string(h.only_record().status), "protocol-error");
  EXPECT_FALSE(h.only_record().data.contains("cwmp"));
}

}  // namespace
}  // namespace fumidai::scanner
