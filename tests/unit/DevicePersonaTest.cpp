// The device emulator's pure parts: the config parser (the shipped
// lab/devices.json, and every kind of bad config), the request-head parser
// and the bytes a prepared persona sends.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "devices/DeviceConfig.h"
#include "devices/HttpRequestHead.h"
#include "devices/PreparedPersona.h"

using fumidai::Error;
using fumidai::lab::DeviceConfig;
using fumidai::lab::DevicePersona;
using fumidai::lab::HttpRequestHead;
using fumidai::lab::PreparedPersona;

namespace {

fumidai::Result<DeviceConfig> parse(const std::string& json) {
  return DeviceConfig::parse(json, FUMIDAI_LAB_DIR, "test.json");
}

// A persona object with `extra` keys appended (each starting with a comma).
std::string persona(const std::string& extra, const std::string& name = "p",
                    const std::string& listen = R"([{"ip": "127.0.0.1", "port": 8080}])") {
  return R"({"name": ")" + name + R"(", "protocol": "http", "behavior": "http", "expected_status": "success",)" +
         R"("listen": )" + listen + R"(, "pages": [{"path": "/", "body": "hi"}])" + extra + "}";
}

std::string config(const std::string& personas) { return R"({"personas": [)" + personas + "]}"; }

const std::string kTcp1723 = R"([{"ip": "127.0.0.1", "port": 1723}])";
const std::string kUdp1701 = R"([{"ip": "127.0.0.1", "port": 1701, "transport": "udp"}])";
const std::string kTunnel = R"({"host_name": "h", "vendor": "v"})";
const std::string kSsdp =
    R"({"server": "s", "location": "http://192.168.1.1:1/d.xml", "udn": "uuid:1", "device_type": "urn:x"})";

// A persona of a binary behavior: `body` is its behavior object and any
// further keys (starting with the object).
std::string binary(const std::string& behavior, const std::string& protocol, const std::string& listen,
                   const std::string& body, const std::string& name = "p") {
  return R"({"name": ")" + name + R"(", "protocol": ")" + protocol + R"(", "behavior": ")" + behavior +
         R"(", "expected_status": "success", "listen": )" + listen + ", " + body + "}";
}
std::string pptp(const std::string& extra, const std::string& tunnel = kTunnel) {
  return binary("pptp", "pptp", kTcp1723, R"("pptp": )" + tunnel + extra);
}
std::string l2tp(const std::string& extra, const std::string& tunnel = kTunnel, const std::string& listen = kUdp1701) {
  return binary("l2tp", "l2tp", listen, R"("l2tp": )" + tunnel + extra);
}
std::string ssdp(const std::string& extra, const std::string& object = kSsdp) {
  return binary("ssdp", "upnp", R"([{"ip": "127.0.0.1", "port": 1900, "transport": "udp"}])",
                R"("ssdp": )" + object + extra);
}

}  // namespace

TEST(DeviceConfig, ShippedConfigLoads) {
  auto loaded = DeviceConfig::load(std::string(FUMIDAI_LAB_DIR) + "/devices.json");
  ASSERT_TRUE(loaded) << loaded.error().message;
  const std::string csv = loaded->services_csv();

  std::istringstream rows(csv);
  std::string row;
  std::set<std::string> services;
  std::set<std::string> statuses;
  std::size_t count = 0;
  while (std::getline(rows, row)) {
    ++count;
    std::vector<std::string> fields;
    std::istringstream cells(row);
    for (std::string cell; std::getline(cells, cell, ',');) fields.push_back(cell);
    ASSERT_EQ(fields.size(), 7u) << row;
    // The lab's services namespace hands the emulator 198.19.0.20-.99.
    ASSERT_EQ(fields[0].rfind("198.19.0.", 0), 0u) << row;
    const int host = std::stoi(fields[0].substr(9));
    EXPECT_GE(host, 20) << row;
    EXPECT_LE(host, 99) << row;
    EXPECT_TRUE(fields[3] == "true" || fields[3] == "false") << row;
    EXPECT_TRUE(fields[6] == "tcp" || fields[6] == "udp") << row;
    // .40-.60 belong to the lab's real daemons.
    EXPECT_TRUE(host < 40 || host > 60) << row;
    services.insert(fields[4]);
    statuses.insert(fields[5]);
  }
  EXPECT_EQ(count, loaded->listen_count());
  for (const char* name : {"tplink-archer-c7",         "mikrotik-routeros",
                           "draytek-vigor2860",        "fortigate-sslvpn",
                           "tr069-rompager",           "hostile-endless-headers",
                           "hostile-huge-body",        "hostile-slowloris",
                           "hostile-tls-garbage",      "hostile-telnet-storm",
                           "hostile-nul-bytes",        "hostile-silent",
                           "hostile-immediate-close",  "yamaha-rtx1210-pptp",
                           "mikrotik-routeros-pptp",   "mikrotik-routeros-l2tp",
                           "asus-rt-ac68u-ssdp",       "asus-rt-ac68u-upnp",
                           "huawei-hg8245h-cwmp",      "mikrotik-routeros-sstp",
                           "paloalto-globalprotect",   "pulse-secure",
                           "avm-fritzbox-7590-ssdp",   "avm-fritzbox-7590-upnp",
                           "hostile-pptp-bad-magic",   "hostile-pptp-truncated",
                           "hostile-l2tp-avp-length",  "hostile-ssdp-flood",
                           "hostile-ssdp-entity-bomb", "hostile-ssdp-huge-description"}) {
    EXPECT_TRUE(services.count(name)) << name;
  }
  EXPECT_EQ(statuses, (std::set<std::string>{"success", "io-timeout", "protocol-error", "handshake-error"}));
  EXPECT_NE(csv.find("198.19.0.27,443,http,true,draytek-vigor2860,success,tcp\n"), std::string::npos);
  EXPECT_NE(csv.find("198.19.0.83,443,http,true,hostile-tls-garbage,handshake-error,tcp\n"), std::string::npos);
  for (const char* expected : {"198.19.0.32,1723,pptp,false,yamaha-rtx1210-pptp,success,tcp\n",
                               "198.19.0.33,1701,l2tp,false,mikrotik-routeros-l2tp,success,udp\n",
                               "198.19.0.34,1900,upnp,false,asus-rt-ac68u-ssdp,success,udp\n",
                               "198.19.0.34,49152,http,false,asus-rt-ac68u-upnp,success,tcp\n",
                               "198.19.0.35,7547,cwmp,false,huawei-hg8245h-cwmp,success,tcp\n",
                               "198.19.0.36,443,sstp,true,mikrotik-routeros-sstp,success,tcp\n",
                               "198.19.0.37,443,sslvpn,true,paloalto-globalprotect,success,tcp\n",
                               "198.19.0.39,49000,http,false,avm-fritzbox-7590-upnp,success,tcp\n",
                               "198.19.0.88,1723,pptp,false,hostile-pptp-bad-magic,protocol-error,tcp\n",
                               "198.19.0.90,1701,l2tp,false,hostile-l2tp-avp-length,protocol-error,udp\n",
                               "198.19.0.91,1900,upnp,false,hostile-ssdp-flood,success,udp\n"}) {
    EXPECT_NE(csv.find(expected), std::string::npos) << expected;
  }
}

TEST(DeviceConfig, ParsesEveryField) {
  const std::string json = R"(// comments are allowed
  {"limits": {"threads": 1, "max_connections": 10, "max_request_head_bytes": 1024,
              "connection_lifetime_ms": 5000, "idle_timeout_ms": 2000},
   "personas": [
     {"name": "router", "protocol": "http", "behavior": "http", "expected_status": "success",
      "listen": [{"ip": "127.0.0.2", "port": 80}, {"ip": "127.0.0.2", "port": 443, "tls": true}],
      "headers": [["Server", "Web\u0000\u00ff"]],
      "pages": [{"path": "/", "status": 401, "headers": [["WWW-Authenticate", "Basic realm=\"R\""]], "body": "x"},
                {"path": "/favicon.ico", "body_file": "personas/tplink-archer-c7/favicon.ico"},
                {"path": "/odd", "status": 299, "reason": "Odd"}],
      "certificate": {"key": "ec-p256", "subject": "CN=A\\, B,OU=Lab,C=JP", "san": ["DNS:a.example", "IP:10.0.0.1"],
                      "not_before": "2016-02-29T23:59:59Z", "not_after": "2050-01-01T00:00:00Z", "serial": "0aF3"}},
     {"name": "ftp", "protocol": "ftp", "behavior": "banner", "expected_status": "success",
      "listen": [{"ip": "127.0.0.2", "port": 21}], "banner": "220 hi\r\n"},
     {"name": "big", "protocol": "http", "behavior": "huge-body", "expected_status": "success",
      "listen": [{"ip": "127.0.0.3", "port": 80}], "body_bytes": 10737418240},
     {"name": "slow", "protocol": "http", "behavior": "drip", "expected_status": "io-timeout",
      "listen": [{"ip": "127.0.0.4", "port": 80}], "pages": [{"path": "/", "body": "x"}], "drip_interval_ms": 50},
     {"name": "junk", "protocol": "http", "behavior": "tls-garbage", "expected_status": "handshake-error",
      "listen": [{"ip": "127.0.0.5", "port": 443, "tls": true}]},
     {"name": "vpn", "protocol": "pptp", "behavior": "pptp", "expected_status": "protocol-error",
      "listen": [{"ip": "127.0.0.6", "port": 1723, "transport": "tcp"}],
      "pptp": {"host_name": "RTX1210", "vendor": "YAMAHA\u0000Corporation", "firmware_revision": 65535,
               "framing_capabilities": 4294967295, "bearer_capabilities": 0, "max_channels": 7},
      "reply_patch": {"offset": 4, "bytes": "\u00de\u00ad"}, "reply_bytes": 155},
     {"name": "lns", "protocol": "l2tp", "behavior": "l2tp", "expected_status": "success",
      "listen": [{"ip": "127.0.0.6", "port": 1701, "transport": "udp"}],
      "l2tp": {"host_name": "MikroTik", "vendor": "MikroTik"}, "reply_copies": 2},
     {"name": "igd", "protocol": "upnp", "behavior": "ssdp", "expected_status": "success",
      "listen": [{"ip": "127.0.0.6", "port": 1900, "transport": "udp"}],
      "headers": [["OPT", "x"]],
      "ssdp": {"server": "Linux/2.6 UPnP/1.0 x/1", "location": "http://192.168.1.1:49152/desc.xml",
               "udn": "uuid:1", "device_type": "urn:x:device:y:1", "max_age_s": 120}},
     {"name": "sstp", "protocol": "sstp", "behavior": "http", "expected_status": "success",
      "listen": [{"ip": "127.0.0.6", "port": 1900}],
      "pages": [{"path": "/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/", "method": "SSTP_DUPLEX_POST",
                 "status": 200, "reason": "", "declared_length": 18446744073709551615},
                {"path": "/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/", "status": 405}]},
   ]})";
  auto parsed = parse(json);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->limits().threads, 1u);
  EXPECT_EQ(parsed->limits().max_connections, 10u);
  EXPECT_EQ(parsed->limits().max_request_head_bytes, 1024u);
  EXPECT_EQ(parsed->limits().connection_lifetime, std::chrono::milliseconds(5000));
  EXPECT_EQ(parsed->limits().idle_timeout, std::chrono::milliseconds(2000));
  EXPECT_EQ(parsed->limits().max_datagram_bytes, 2048u);
  EXPECT_EQ(parsed->limits().udp_replies_per_source_per_second, 20u);
  ASSERT_EQ(parsed->personas().size(), 9u);

  const DevicePersona& router = parsed->personas()[0];
  EXPECT_EQ(router.headers[0].second, std::string("Web\0\xff", 5));
  ASSERT_EQ(router.pages.size(), 3u);
  EXPECT_EQ(router.pages[0].status, 401);
  EXPECT_EQ(router.pages[0].reason, "Unauthorized");
  EXPECT_EQ(router.pages[1].reason, "OK");
  EXPECT_GT(router.pages[1].body.size(), 100u);
  EXPECT_EQ(router.pages[2].reason, "Odd");
  ASSERT_TRUE(router.certificate);
  const auto& certificate = *router.certificate;
  EXPECT_EQ(certificate.key, fumidai::lab::CertificateSpec::KeyType::ec_p256);
  using Attributes = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(certificate.subject, (Attributes{{"CN", "A, B"}, {"OU", "Lab"}, {"C", "JP"}}));
  EXPECT_EQ(certificate.issuer, certificate.subject);
  EXPECT_EQ(certificate.dns_names, std::vector<std::string>{"a.example"});
  EXPECT_EQ(certificate.ip_addresses, std::vector<std::string>{"10.0.0.1"});
  EXPECT_EQ(certificate.not_before, "20160229235959Z");
  EXPECT_EQ(certificate.not_after, "20500101000000Z");
  EXPECT_EQ(certificate.serial_hex, "0aF3");

  EXPECT_EQ(parsed->personas()[2].body_bytes, 10737418240u);
  EXPECT_EQ(parsed->personas()[3].drip_interval, std::chrono::milliseconds(50));

  const DevicePersona& vpn = parsed->personas()[5];
  EXPECT_EQ(vpn.behavior, DevicePersona::Behavior::pptp);
  EXPECT_EQ(vpn.tunnel.host_name, "RTX1210");
  EXPECT_EQ(vpn.tunnel.vendor, std::string("YAMAHA\0Corporation", 18));
  EXPECT_EQ(vpn.tunnel.firmware_revision, 65535);
  EXPECT_EQ(vpn.tunnel.framing_capabilities, 4294967295u);
  EXPECT_EQ(vpn.tunnel.bearer_capabilities, 0u);
  EXPECT_EQ(vpn.tunnel.max_channels, 7);
  ASSERT_TRUE(vpn.reply_patch);
  EXPECT_EQ(vpn.reply_patch->offset, 4u);
  EXPECT_EQ(vpn.reply_patch->bytes, "\xde\xad");
  EXPECT_EQ(vpn.reply_bytes, 155u);
  const DevicePersona& lns = parsed->personas()[6];
  EXPECT_EQ(lns.listen[0].transport, DevicePersona::Transport::udp);
  EXPECT_EQ(lns.tunnel.firmware_revision, 0);
  EXPECT_EQ(lns.tunnel.framing_capabilities, 3u);
  EXPECT_EQ(lns.reply_copies, 2u);
  const DevicePersona& igd = parsed->personas()[7];
  EXPECT_EQ(igd.ssdp.server, "Linux/2.6 UPnP/1.0 x/1");
  EXPECT_EQ(igd.ssdp.location, "http://192.168.1.1:49152/desc.xml");
  EXPECT_EQ(igd.ssdp.udn, "uuid:1");
  EXPECT_EQ(igd.ssdp.device_type, "urn:x:device:y:1");
  EXPECT_EQ(igd.ssdp.max_age_s, 120u);
  const DevicePersona& sstp = parsed->personas()[8];
  ASSERT_EQ(sstp.pages.size(), 2u);
  EXPECT_EQ(sstp.pages[0].method, "SSTP_DUPLEX_POST");
  EXPECT_EQ(sstp.pages[0].reason, "");
  EXPECT_EQ(sstp.pages[0].declared_length, 18446744073709551615u);
  EXPECT_EQ(sstp.pages[1].method, "");
  EXPECT_FALSE(sstp.pages[1].declared_length);

  EXPECT_EQ(parsed->services_csv(),
            "127.0.0.2,80,http,false,router,success,tcp\n"
            "127.0.0.2,443,http,true,router,success,tcp\n"
            "127.0.0.2,21,ftp,false,ftp,success,tcp\n"
            "127.0.0.3,80,http,false,big,success,tcp\n"
            "127.0.0.4,80,http,false,slow,io-timeout,tcp\n"
            "127.0.0.5,443,http,true,junk,handshake-error,tcp\n"
            "127.0.0.6,1723,pptp,false,vpn,protocol-error,tcp\n"
            "127.0.0.6,1701,l2tp,false,lns,success,udp\n"
            "127.0.0.6,1900,upnp,false,igd,success,udp\n"
            "127.0.0.6,1900,sstp,false,sstp,success,tcp\n");
}

struct BadConfig {
  const char* what;
  std::string json;
  const char* message;  // a part of the one-line error
};

void PrintTo(const BadConfig& bad, std::ostream* out) { *out << bad.what; }

class DeviceConfigRejects : public testing::TestWithParam<BadConfig> {};

TEST_P(DeviceConfigRejects, WithAClearMessage) {
  const BadConfig& bad = GetParam();
  auto parsed = parse(bad.json);
  ASSERT_FALSE(parsed) << bad.what;
  EXPECT_EQ(parsed.error().kind, Error::Kind::invalid_input) << bad.what;
  EXPECT_NE(parsed.error().message.find(bad.message), std::string::npos) << bad.what << ": " << parsed.error().message;
  EXPECT_EQ(parsed.error().message.find('\n'), std::string::npos) << parsed.error().message;
  EXPECT_EQ(parsed.error().message.rfind("test.json: ", 0), 0u) << parsed.error().message;
}

const std::string kTls = R"(, "certificate": {"key": "ec-p256", "subject": "CN=x", "not_before": )"
                         R"("2020-01-01T00:00:00Z", "not_after": "2030-01-01T00:00:00Z")";
const std::string kTlsListen = R"([{"ip": "127.0.0.1", "port": 443, "tls": true}])";

INSTANTIATE_TEST_SUITE_P(
    Cases, DeviceConfigRejects,
    testing::Values(
        BadConfig{"not JSON", "{personas: []}", "not valid JSON"},
        BadConfig{"not an object", "[]", "top level: must be an object"},
        BadConfig{"unknown top-level key", R"({"personas": [], "persona": []})", "unknown key \"persona\""},
        BadConfig{"no personas", R"({"limits": {}})", "\"personas\" is missing"},
        BadConfig{"empty personas", R"({"personas": []})", "personas: must not be empty"},
        BadConfig{"limits typo", R"({"limits": {"thread": 2}, "personas": [)" + persona("") + "]}",
                  "limits: unknown key \"thread\""},
        BadConfig{"threads zero", R"({"limits": {"threads": 0}, "personas": [)" + persona("") + "]}",
                  "limits.threads: 0 is out of range [1, 64]"},
        BadConfig{"threads not integer", R"({"limits": {"threads": 1.5}, "personas": [)" + persona("") + "]}",
                  "limits.threads: must be an integer"},
        BadConfig{"idle above lifetime",
                  R"({"limits": {"connection_lifetime_ms": 1000, "idle_timeout_ms": 2000}, "personas": [)" +
                      persona("") + "]}",
                  "idle_timeout_ms must not exceed connection_lifetime_ms"},
        BadConfig{"missing name", config(R"({"protocol": "http"})"), "personas[0]: \"name\" is missing"},
        BadConfig{"bad name", config(persona("", "Bad Name")), "must be a-z 0-9 -"},
        BadConfig{"duplicate name",
                  config(persona("") + "," + persona("", "p", R"([{"ip": "127.0.0.2", "port": 80}])")),
                  "name \"p\" appears twice"},
        BadConfig{"unknown persona key", config(persona(R"(, "titel": "x")")),
                  "personas[0] \"p\": unknown key \"titel\""},
        BadConfig{"unknown behavior", config(R"({"name": "p", "protocol": "http", "behavior": "teapot"})"),
                  "\"teapot\" is not one of"},
        BadConfig{"http behavior, other protocol",
                  config(R"({"name": "p", "protocol": "ftp", "behavior": "http", "expected_status": "success"})"),
                  "protocol must be http"},
        BadConfig{"unknown status",
                  config(R"({"name": "p", "protocol": "http", "behavior": "http", "expected_status": "ok"})"),
                  "\"ok\" is not a ZGrab2 status"},
        BadConfig{"no listen",
                  config(R"({"name": "p", "protocol": "http", "behavior": "http", "expected_status": "success"})"),
                  "\"listen\" is missing"},
        BadConfig{"empty listen", config(persona("", "p", "[]")), "listen: must not be empty"},
        BadConfig{"bad ip", config(persona("", "p", R"([{"ip": "127.0.0.256", "port": 80}])")),
                  "\"127.0.0.256\" is not an IPv4 address"},
        BadConfig{"short ip", config(persona("", "p", R"([{"ip": "127.1", "port": 80}])")),
                  "\"127.1\" is not an IPv4 address"},
        BadConfig{"port zero", config(persona("", "p", R"([{"ip": "127.0.0.1", "port": 0}])")),
                  "listen[0].port: 0 is out of range [1, 65535]"},
        BadConfig{"port too big", config(persona("", "p", R"([{"ip": "127.0.0.1", "port": 70000}])")),
                  "70000 is out of range"},
        BadConfig{"port as string", config(persona("", "p", R"([{"ip": "127.0.0.1", "port": "80"}])")),
                  "port: must be an integer"},
        BadConfig{"listen typo", config(persona("", "p", R"([{"ip": "127.0.0.1", "port": 80, "tsl": true}])")),
                  "unknown key \"tsl\""},
        BadConfig{"duplicate endpoint", config(persona("", "a") + "," + persona("", "b")),
                  "127.0.0.1:8080 is already taken"},
        BadConfig{"tls without certificate", config(persona("", "p", kTlsListen)), "\"certificate\" is needed"},
        BadConfig{"certificate without tls", config(persona(kTls + "}")), "completes a TLS handshake"},
        BadConfig{"header not a pair", config(persona(R"(, "headers": [["Server"]])")),
                  "headers[0]: must be a [name, value] pair"},
        BadConfig{"header name with space", config(persona(R"(, "headers": [["Bad Name", "x"]])")),
                  "\"Bad Name\" is not a header name"},
        BadConfig{"header value with CRLF", config(persona(R"(, "headers": [["X", "a\r\nb"]])")),
                  "value holds CR or LF"},
        BadConfig{"header value not a byte", config(persona(R"(, "headers": [["X", "\u20ac"]])")),
                  "has a character above U+00FF"},
        BadConfig{"header value U+0100", config(persona(R"(, "headers": [["X", "\u0100"]])")), "has character U+0100"},
        BadConfig{"emulator's own header", config(persona(R"(, "headers": [["content-length", "5"]])")),
                  "is written by the emulator itself"},
        BadConfig{"no pages",
                  config(R"({"name": "p", "protocol": "http", "behavior": "http", "expected_status": "success",)"
                         R"("listen": [{"ip": "127.0.0.1", "port": 80}]})"),
                  "\"pages\" is missing"},
        BadConfig{"pages on a silent persona",
                  config(R"({"name": "p", "protocol": "http", "behavior": "silent", "expected_status": "success",)"
                         R"("listen": [{"ip": "127.0.0.1", "port": 80}], "pages": []})"),
                  "only behaviors http and drip serve pages"},
        BadConfig{"page path relative",
                  config(R"({"name": "p", "protocol": "http", "behavior": "http", "expected_status": "success",)"
                         R"("listen": [{"ip": "127.0.0.1", "port": 80}], "pages": [{"path": "index.html"}]})"),
                  "\"index.html\" is not a path"},
        BadConfig{"page path with query",
                  config(R"({"name": "p", "protocol": "http", "behavior": "http", "expected_status": "success",)"
                         R"("listen": [{"ip": "127.0.0.1", "port": 80}], "pages": [{"path": "/a?b"}]})"),
                  "is not a path"},
        BadConfig{"duplicate path",
                  config(R"({"name": "p", "protocol": "http", "behavior": "http", "expected_status": "success",)"
                         R"("listen": [{"ip": "127.0.0.1", "port": 80}], "pages": [{"path": "/"}, {"path": "/"}]})"),
                  "path / appears twice"},
        BadConfig{"status out of range",
                  config(R"({"name": "p", "protocol": "http", "behavior": "http", "expected_status": "success",)"
                         R"("listen": [{"ip": "127.0.0.1", "port": 80}], "pages": [{"path": "/", "status": 99}]})"),
                  "status: 99 is out of range [200, 599]"},
        BadConfig{"unusual status without reason",
                  config(R"({"name": "p", "protocol": "http", "behavior": "http", "expected_status": "success",)"
                         R"("listen": [{"ip": "127.0.0.1", "port": 80}], "pages": [{"path": "/", "status": 299}]})"),
                  "status 299 needs a \"reason\""},
        BadConfig{"body and body_file",
                  config(R"({"name": "p", "protocol": "http", "behavior": "http", "expected_status": "success",)"
                         R"("listen": [{"ip": "127.0.0.1", "port": 80}],)"
                         R"("pages": [{"path": "/", "body": "x", "body_file": "devices.json"}]})"),
                  "has both \"body\" and \"body_file\""},
        BadConfig{"missing body_file",
                  config(R"({"name": "p", "protocol": "http", "behavior": "http", "expected_status": "success",)"
                         R"("listen": [{"ip": "127.0.0.1", "port": 80}],)"
                         R"("pages": [{"path": "/", "body_file": "personas/none/missing.html"}]})"),
                  "cannot read"},
        BadConfig{"drip without /",
                  config(R"({"name": "p", "protocol": "http", "behavior": "drip", "expected_status": "io-timeout",)"
                         R"("listen": [{"ip": "127.0.0.1", "port": 80}], "pages": [{"path": "/x"}]})"),
                  "sends the \"/\" page; there is none"},
        BadConfig{"banner missing",
                  config(R"({"name": "p", "protocol": "ftp", "behavior": "banner", "expected_status": "success",)"
                         R"("listen": [{"ip": "127.0.0.1", "port": 21}]})"),
                  "\"banner\" goes with behavior banner"},
        BadConfig{"banner on http", config(persona(R"(, "banner": "x")")), "\"banner\" goes with behavior banner"},
        BadConfig{"huge body without size",
                  config(R"({"name": "p", "protocol": "http", "behavior": "huge-body", "expected_status": "success",)"
                         R"("listen": [{"ip": "127.0.0.1", "port": 80}]})"),
                  "\"body_bytes\" goes with behavior huge-body"},
        BadConfig{"drip interval on http", config(persona(R"(, "drip_interval_ms": 5)")),
                  "goes with behavior drip only"},
        BadConfig{"tls-garbage without tls",
                  config(R"({"name": "p", "protocol": "http", "behavior": "tls-garbage",)"
                         R"("expected_status": "handshake-error", "listen": [{"ip": "127.0.0.1", "port": 443}]})"),
                  "behavior tls-garbage needs \"tls\": true"},
        BadConfig{"bad key type", config(persona(R"(, "certificate": {"key": "dsa"})", "p", kTlsListen)),
                  "\"dsa\" is not rsa2048 or ec-p256"},
        BadConfig{"no subject", config(persona(R"(, "certificate": {})", "p", kTlsListen)), "\"subject\" is missing"},
        BadConfig{"unknown DN attribute", config(persona(R"(, "certificate": {"subject": "XX=y"})", "p", kTlsListen)),
                  "unknown attribute type \"XX\""},
        BadConfig{"DN without =", config(persona(R"(, "certificate": {"subject": "CN"})", "p", kTlsListen)),
                  "is not TYPE=value"},
        BadConfig{"DN trailing comma", config(persona(R"(, "certificate": {"subject": "CN=a,"})", "p", kTlsListen)),
                  "is not TYPE=value"},
        BadConfig{"bad country", config(persona(R"(, "certificate": {"subject": "C=USA"})", "p", kTlsListen)),
                  "C=\"USA\" is not a two-letter country code"},
        BadConfig{"multi-valued RDN", config(persona(R"(, "certificate": {"subject": "CN=a+O=b"})", "p", kTlsListen)),
                  "multi-valued RDNs"},
        BadConfig{"bad SAN",
                  config(persona(R"(, "certificate": {"subject": "CN=a", "san": ["EMAIL:x@y"]})", "p", kTlsListen)),
                  "\"EMAIL:x@y\" is not DNS:name or IP:a.b.c.d"},
        BadConfig{"no validity", config(persona(R"(, "certificate": {"subject": "CN=a"})", "p", kTlsListen)),
                  "needs \"not_before\" and \"not_after\""},
        BadConfig{"bad time",
                  config(persona(R"(, "certificate": {"subject": "CN=a", "not_before": "2020-02-30T00:00:00Z",)"
                                 R"("not_after": "2030-01-01T00:00:00Z"})",
                                 "p", kTlsListen)),
                  "\"2020-02-30T00:00:00Z\" is not YYYY-MM-DDTHH:MM:SSZ"},
        BadConfig{"reversed validity",
                  config(persona(R"(, "certificate": {"subject": "CN=a", "not_before": "2030-01-01T00:00:00Z",)"
                                 R"("not_after": "2020-01-01T00:00:00Z"})",
                                 "p", kTlsListen)),
                  "not_after must be later than not_before"},
        BadConfig{"datagram limit too small",
                  R"({"limits": {"max_datagram_bytes": 100}, "personas": [)" + persona("") + "]}",
                  "limits.max_datagram_bytes: 100 is out of range [512, 65507]"},
        BadConfig{"no UDP replies",
                  R"({"limits": {"udp_replies_per_source_per_second": 0}, "personas": [)" + persona("") + "]}",
                  "udp_replies_per_source_per_second: 0 is out of range [1, 10000]"},
        BadConfig{"unknown transport",
                  config(persona("", "p", R"([{"ip": "127.0.0.1", "port": 80, "transport": "sctp"}])")),
                  "\"sctp\" is not tcp or udp"},
        BadConfig{"http over udp", config(persona("", "p", R"([{"ip": "127.0.0.1", "port": 80, "transport": "udp"}])")),
                  "behavior http answers connections, not datagrams"},
        BadConfig{"l2tp over tcp", config(l2tp("", kTunnel, R"([{"ip": "127.0.0.1", "port": 1701}])")),
                  "behavior l2tp answers datagrams: needs \"transport\": \"udp\""},
        BadConfig{"l2tp with tls",
                  config(l2tp("", kTunnel, R"([{"ip": "127.0.0.1", "port": 1701, "transport": "udp", "tls": true}])")),
                  "behavior l2tp speaks in the clear"},
        BadConfig{"pptp with tls",
                  config(binary("pptp", "pptp", R"([{"ip": "127.0.0.1", "port": 1723, "tls": true}])",
                                R"("pptp": )" + kTunnel)),
                  "behavior pptp speaks in the clear"},
        BadConfig{"duplicate udp endpoint",
                  config(l2tp("") + "," + binary("l2tp", "l2tp", kUdp1701, R"("l2tp": )" + kTunnel, "q")),
                  "udp 127.0.0.1:1701 is already taken"},
        BadConfig{"pptp reported as http", config(binary("pptp", "http", kTcp1723, R"("pptp": )" + kTunnel)),
                  "behavior pptp speaks pptp, so protocol must be pptp"},
        BadConfig{"ssdp reported as ssdp",
                  config(binary("ssdp", "ssdp", R"([{"ip": "127.0.0.1", "port": 1900, "transport": "udp"}])",
                                R"("ssdp": )" + kSsdp)),
                  "protocol must be upnp"},
        BadConfig{"http reported as pptp",
                  config(R"({"name": "p", "protocol": "pptp", "behavior": "http", "expected_status": "success"})"),
                  "protocol must be http, cwmp, sstp or sslvpn"},
        BadConfig{"pptp without its object",
                  config(R"({"name": "p", "protocol": "pptp", "behavior": "pptp", "expected_status": "success",)"
                         R"("listen": [{"ip": "127.0.0.1", "port": 1723}]})"),
                  "\"pptp\" goes with behavior pptp, and only there"},
        BadConfig{"pptp object on http", config(persona(R"(, "pptp": {})")),
                  "\"pptp\" goes with behavior pptp, and only there"},
        BadConfig{"l2tp has no channels", config(l2tp("", R"({"host_name": "h", "vendor": "v", "max_channels": 1})")),
                  "unknown key \"max_channels\""},
        BadConfig{"host name too long",
                  config(pptp("", R"({"host_name": ")" + std::string(65, 'h') + R"(", "vendor": "v"})")),
                  "pptp.host_name: is 65 bytes long; at most 64"},
        BadConfig{"empty vendor", config(pptp("", R"({"host_name": "h", "vendor": ""})")),
                  "pptp.vendor: must not be empty"},
        BadConfig{"no vendor", config(pptp("", R"({"host_name": "h"})")), "\"vendor\" is missing"},
        BadConfig{"firmware revision too big",
                  config(pptp("", R"({"host_name": "h", "vendor": "v", "firmware_revision": 65536})")),
                  "65536 is out of range [0, 65535]"},
        BadConfig{
            "location not http",
            config(ssdp("", R"({"server": "s", "location": "ftp://x/", "udn": "uuid:1", "device_type": "urn:x"})")),
            "\"ftp://x/\" is not http://..."},
        BadConfig{"udn without uuid",
                  config(ssdp("", R"({"server": "s", "location": "http://x/", "udn": "1", "device_type": "urn:x"})")),
                  "\"1\" is not uuid:..."},
        BadConfig{
            "server with CRLF",
            config(ssdp("",
                        R"({"server": "a\r\nb", "location": "http://x/", "udn": "uuid:1", "device_type": "urn:x"})")),
            "ssdp.server: must be one non-empty line"},
        BadConfig{"max age zero",
                  config(ssdp("", R"({"server": "s", "location": "http://x/", "udn": "uuid:1", "device_type": "urn:x",)"
                                  R"("max_age_s": 0})")),
                  "max_age_s: 0 is out of range [1, 86400]"},
        BadConfig{"patch past the reply", config(pptp(R"(, "reply_patch": {"offset": 150, "bytes": "12345678"})")),
                  "reply_patch: ends at byte 158; the reply is 156 bytes"},
        BadConfig{"empty patch", config(pptp(R"(, "reply_patch": {"offset": 1, "bytes": ""})")),
                  "reply_patch.bytes: must not be empty"},
        BadConfig{"patch on http", config(persona(R"(, "reply_patch": {"offset": 1, "bytes": "x"})")),
                  "go with behaviors pptp, l2tp and ssdp only"},
        BadConfig{"cut to the whole reply", config(pptp(R"(, "reply_bytes": 156)")),
                  "reply_bytes: 156 is out of range [1, 155]"},
        BadConfig{"copies over tcp", config(pptp(R"(, "reply_copies": 2)")), "goes with behaviors l2tp and ssdp only"},
        BadConfig{"too many copies", config(l2tp(R"(, "reply_copies": 65)")), "65 is out of range [1, 64]"},
        BadConfig{"reply larger than a datagram",
                  config(ssdp(R"(, "headers": [["A", ")" + std::string(1000, 'a') + R"("], ["B", ")" +
                              std::string(1000, 'b') + R"("]])")),
                  "a datagram reply holds at most 1472"},
        BadConfig{"bad method",
                  config(R"({"name": "p", "protocol": "http", "behavior": "http", "expected_status": "success",)"
                         R"("listen": [{"ip": "127.0.0.1", "port": 80}], "pages": [{"path": "/", "method": "G T"}]})"),
                  "\"G T\" is not a method name"},
        BadConfig{"declared length below the body",
                  config(R"({"name": "p", "protocol": "http", "behavior": "http", "expected_status": "success",)"
                         R"("listen": [{"ip": "127.0.0.1", "port": 80}],)"
                         R"("pages": [{"path": "/", "body": "hello", "declared_length": 3}]})"),
                  "declared_length: 3 is less than the body's 5 bytes"},
        BadConfig{
            "negative declared length",
            config(R"({"name": "p", "protocol": "http", "behavior": "http", "expected_status": "success",)"
                   R"("listen": [{"ip": "127.0.0.1", "port": 80}], "pages": [{"path": "/", "declared_length": -1}]})"),
            "must be an integer from 0 to 18446744073709551615"},
        BadConfig{"method on drip",
                  config(R"({"name": "p", "protocol": "http", "behavior": "drip", "expected_status": "io-timeout",)"
                         R"("listen": [{"ip": "127.0.0.1", "port": 80}], "pages": [{"path": "/", "method": "GET"}]})"),
                  "behavior drip sends its \"/\" page whatever the request"},
        BadConfig{"duplicate path and method",
                  config(R"({"name": "p", "protocol": "http", "behavior": "http", "expected_status": "success",)"
                         R"("listen": [{"ip": "127.0.0.1", "port": 80}],)"
                         R"("pages": [{"path": "/", "method": "GET"}, {"path": "/", "method": "GET"}]})"),
                  "path / appears twice for method GET"},
        BadConfig{"bad serial",
                  config(persona(R"(, "certificate": {"subject": "CN=a", "not_before": "2020-01-01T00:00:00Z",)"
                                 R"("not_after": "2030-01-01T00:00:00Z", "serial": "xyz"})",
                                 "p", kTlsListen)),
                  "\"xyz\" is not hex"}),
    [](const testing::TestParamInfo<BadConfig>& param_info) {
      std::string name;
      for (const char c : std::string(param_info.param.what))
        name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      return name;
    });

TEST(DeviceConfig, LoadNamesAMissingFile) {
  auto loaded = DeviceConfig::load("/nonexistent/devices.json");
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().kind, Error::Kind::invalid_input);
  EXPECT_NE(loaded.error().message.find("/nonexistent/devices.json"), std::string::npos);
}

TEST(HttpRequestHead, FindsTheEndOfTheHead) {
  EXPECT_EQ(HttpRequestHead::find_end("GET / HTTP/1.1\r\nHost: a\r\n\r\nrest", 0), 27u);
  EXPECT_EQ(HttpRequestHead::find_end("GET / HTTP/1.0\n\n", 0), 16u);
  EXPECT_EQ(HttpRequestHead::find_end("GET / HTTP/1.1\r\nHost: a\r\n", 0), 0u);
  EXPECT_EQ(HttpRequestHead::find_end("GET / HTTP/1.1\r\nHost: a\r\n\r", 0), 0u);
  // Resuming a few bytes back still finds a blank line split across reads.
  EXPECT_EQ(HttpRequestHead::find_end("GET / HTTP/1.1\r\nHost: a\r\n\r\n", 22), 27u);
}

TEST(HttpRequestHead, ParsesWhatTheEmulatorNeeds) {
  auto get = HttpRequestHead::parse("GET /remote/login?lang=en HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->method, "GET");
  EXPECT_EQ(get->path, "/remote/login");
  EXPECT_TRUE(get->keep_alive);
  EXPECT_FALSE(get->has_body);

  auto close = HttpRequestHead::parse("HEAD / HTTP/1.1\r\nconnection: Upgrade, CLOSE\r\n\r\n");
  ASSERT_TRUE(close);
  EXPECT_EQ(close->method, "HEAD");
  EXPECT_FALSE(close->keep_alive);

  auto old = HttpRequestHead::parse("GET /a#frag HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->path, "/a");
  EXPECT_FALSE(old->keep_alive);
  auto old_keep = HttpRequestHead::parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  ASSERT_TRUE(old_keep);
  EXPECT_TRUE(old_keep->keep_alive);

  auto proxy = HttpRequestHead::parse("GET http://198.19.0.21:80/favicon.ico HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(proxy);
  EXPECT_EQ(proxy->path, "/favicon.ico");
  auto bare_authority = HttpRequestHead::parse("GET https://198.19.0.21 HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(bare_authority);
  EXPECT_EQ(bare_authority->path, "/");

  auto post = HttpRequestHead::parse("POST /login HTTP/1.1\r\nContent-Length: 12\r\n\r\n");
  ASSERT_TRUE(post);
  EXPECT_TRUE(post->has_body);
  auto chunked = HttpRequestHead::parse("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
  ASSERT_TRUE(chunked);
  EXPECT_TRUE(chunked->has_body);
}

TEST(HttpRequestHead, RejectsWhatIsNotHttp1) {
  for (const char* head : {"\x16\x03\x01\x02\x00\x01\r\n\r\n", "GET /\r\n\r\n", "GET / HTTP/2.0\r\n\r\n",
                           "GET  / HTTP/1.1\r\n\r\n", " / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1"}) {
    EXPECT_FALSE(HttpRequestHead::parse(head)) << head;
  }
}

TEST(PreparedPersona, BuildsResponsesOnce) {
  DevicePersona p;
  p.name = "r";
  p.headers = {{"Server", "RomPager/4.07 UPnP/1.0"}};
  p.pages.push_back(
      {"/", 401, "Unauthorized", {{"WWW-Authenticate", "Digest realm=\"HuaweiHomeGateway\""}}, "body", "", {}});
  const PreparedPersona prepared(p);
  const auto& root = prepared.response_for("GET", "/");
  EXPECT_EQ(root.head_close,
            "HTTP/1.1 401 Unauthorized\r\nServer: RomPager/4.07 UPnP/1.0\r\n"
            "WWW-Authenticate: Digest realm=\"HuaweiHomeGateway\"\r\nContent-Length: 4\r\nConnection: close\r\n\r\n");
  EXPECT_NE(root.head_keep_alive.find("Connection: keep-alive\r\n\r\n"), std::string::npos);
  EXPECT_EQ(root.body, "body");
  const auto& missing = prepared.response_for("GET", "/nope");
  EXPECT_EQ(missing.head_close.rfind("HTTP/1.1 404 Not Found\r\nServer: RomPager/4.07 UPnP/1.0\r\n", 0), 0u);
  EXPECT_NE(missing.body.find("<title>404 Not Found</title>"), std::string::npos);
}

TEST(PreparedPersona, StreamsForHostileBehaviors) {
  DevicePersona storm;
  storm.behavior = DevicePersona::Behavior::telnet_storm;
  const PreparedPersona prepared_storm(storm);
  ASSERT_EQ(prepared_storm.chunk().size(), 256u * 2 * 3);
  EXPECT_EQ(prepared_storm.chunk().substr(0, 6), std::string_view("\xff\xfd\x00\xff\xfb\x00", 6));

  DevicePersona huge;
  huge.behavior = DevicePersona::Behavior::huge_body;
  huge.body_bytes = 10737418240;
  const PreparedPersona prepared_huge(huge);
  EXPECT_NE(prepared_huge.opening().find("Content-Length: 10737418240\r\n"), std::string::npos);
  EXPECT_TRUE(std::all_of(prepared_huge.chunk().begin(), prepared_huge.chunk().end(), [](char c) { return c == 0; }));

  DevicePersona garbage;
  garbage.behavior = DevicePersona::Behavior::tls_garbage;
  const PreparedPersona prepared_garbage(garbage);
  ASSERT_GE(prepared_garbage.chunk().size(), 5u);
  // Not a TLS record a client would wait on: the version byte is not 3.
  EXPECT_NE(prepared_garbage.chunk()[1], '\x03');

  DevicePersona endless;
  endless.behavior = DevicePersona::Behavior::endless_headers;
  endless.headers = {{"Server", "x"}};
  const PreparedPersona prepared_endless(endless);
  EXPECT_EQ(prepared_endless.opening(), "HTTP/1.1 200 OK\r\nServer: x\r\n");
  EXPECT_EQ(prepared_endless.chunk().find("\r\n\r\n"), std::string_view::npos);
}

TEST(HttpRequestHead, AcceptsSstpDuplexPost) {
  auto sstp = HttpRequestHead::parse(
      "SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1\r\nHost: vpn.lab.test\r\n"
      "Content-Length: 18446744073709551615\r\nSSTPCORRELATIONID: {8B7A2C4E-4C1D-4F62-9E3B-2A1F0C6D5E4B}\r\n\r\n");
  ASSERT_TRUE(sstp);
  EXPECT_EQ(sstp->method, "SSTP_DUPLEX_POST");
  EXPECT_EQ(sstp->path, "/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/");
  EXPECT_TRUE(sstp->has_body);
}

TEST(PreparedPersona, MatchesPagesByMethodAndHoldsDuplexPostsOpen) {
  DevicePersona p;
  p.headers = {{"Server", "x"}};
  // The page for any method comes first in the config; the one for a method still wins.
  p.pages.push_back({"/sra/", 405, "Method Not Allowed", {}, "no", "", {}});
  p.pages.push_back({"/sra/", 200, "", {}, "", "SSTP_DUPLEX_POST", 18446744073709551615u});
  const PreparedPersona prepared(p);
  const auto& duplex = prepared.response_for("SSTP_DUPLEX_POST", "/sra/");
  EXPECT_EQ(duplex.head_close, "HTTP/1.1 200\r\nServer: x\r\nContent-Length: 18446744073709551615\r\n\r\n");
  EXPECT_EQ(duplex.head_keep_alive, duplex.head_close);
  EXPECT_TRUE(duplex.body.empty());
  EXPECT_TRUE(duplex.holds_open);
  const auto& other = prepared.response_for("GET", "/sra/");
  EXPECT_EQ(other.head_close.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0), 0u);
  EXPECT_FALSE(other.holds_open);
  EXPECT_EQ(prepared.response_for("SSTP_DUPLEX_POST", "/").head_close.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u);
}

TEST(PreparedPersona, PatchesAndCutsBinaryReplies) {
  DevicePersona pptp;
  pptp.behavior = DevicePersona::Behavior::pptp;
  pptp.tunnel = {"RTX1210", "YAMAHA Corporation", 1, 1, 1, 0};
  pptp.reply_patch = DevicePersona::ReplyPatch{4, "\xde\xad\xbe\xef"};
  pptp.reply_bytes = 60;
  const PreparedPersona prepared_pptp(pptp);
  ASSERT_EQ(prepared_pptp.reply().size(), 60u);
  EXPECT_EQ(prepared_pptp.reply().substr(4, 4), "\xde\xad\xbe\xef");
  EXPECT_EQ(prepared_pptp.reply().substr(28, 7), "RTX1210");
  EXPECT_TRUE(prepared_pptp.cuts_reply());
  EXPECT_EQ(prepared_pptp.stop_reply().size(), 16u);

  DevicePersona ssdp;
  ssdp.behavior = DevicePersona::Behavior::ssdp;
  ssdp.ssdp = {"Linux/2.6 UPnP/1.0 x/1", "http://192.168.1.1:49152/d.xml", "uuid:u-1", "urn:x:device:y:1", 1800};
  ssdp.headers = {{"OPT", "o"}};
  ssdp.reply_patch = DevicePersona::ReplyPatch{0, "XTTP"};
  const PreparedPersona prepared_ssdp(ssdp);
  EXPECT_FALSE(prepared_ssdp.cuts_reply());
  const std::string_view root = prepared_ssdp.search_reply("upnp:rootdevice");
  EXPECT_EQ(
      root,
      "XTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\nLOCATION: http://192.168.1.1:49152/d.xml\r\n"
      "SERVER: Linux/2.6 UPnP/1.0 x/1\r\nST: upnp:rootdevice\r\nUSN: uuid:u-1::upnp:rootdevice\r\nOPT: o\r\n\r\n");
  EXPECT_EQ(prepared_ssdp.search_reply("ssdp:all"), root);
  EXPECT_NE(prepared_ssdp.search_reply("uuid:u-1").find("\r\nST: uuid:u-1\r\nUSN: uuid:u-1\r\n"), std::string::npos);
  EXPECT_NE(prepared_ssdp.search_reply("urn:x:device:y:1")
                .find("\r\nST: urn:x:device:y:1\r\nUSN: uuid:u-1::urn:x:device:y:1\r\n"),
            std::string::npos);
  EXPECT_TRUE(prepared_ssdp.search_reply("urn:schemas-upnp-org:device:MediaServer:1").empty());
  EXPECT_TRUE(prepared_ssdp.search_reply("uuid:u").empty());
}
