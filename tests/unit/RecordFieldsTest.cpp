// RecordFields: every field of fingerprints/README.md's table, from records
// stage 2 wrote for the lab's daemons and personas
// (data/fingerprints/lab-records.jsonl) and from hand-made variants of them.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/fingerprints/RecordFields.h"

namespace fumidai::fingerprints {
namespace {

namespace json = boost::json;
using Values = std::vector<std::string>;

const std::vector<json::object>& lab_records() {
  static const std::vector<json::object> records = [] {
    std::vector<json::object> out;
    std::ifstream in(std::string(FUMIDAI_TEST_DATA_DIR) + "/fingerprints/lab-records.jsonl");
    std::string line;
    while (std::getline(in, line)) out.push_back(json::parse(line).as_object());
    return out;
  }();
  return records;
}

const json::object& lab_record(std::string_view ip, std::int64_t port, std::string_view protocol) {
  for (const json::object& r : lab_records())
    if (r.at("ip").as_string() == ip && r.at("port").as_int64() == port && r.at("protocol").as_string() == protocol)
      return r;
  ADD_FAILURE() << "no lab record " << ip << ":" << port << " " << protocol;
  static const json::object kNone;
  return kNone;
}

Values values(const FieldSet& fields, std::string_view name) {
  const auto v = fields.values(name);
  return Values(v.begin(), v.end());
}

std::string one(const FieldSet& fields, std::string_view name) {
  const auto v = fields.values(name);
  EXPECT_EQ(v.size(), 1u) << name;
  return v.empty() ? std::string() : v.front();
}

// Fields whose names start with `prefix`.
Values names_with(const FieldSet& fields, std::string_view prefix) {
  Values out;
  for (const auto& [name, v] : fields.entries())
    if (std::string_view(name).starts_with(prefix)) out.push_back(name);
  return out;
}

json::object record(std::string_view protocol, json::object data, std::int64_t port = 80) {
  return json::object{{"ip", "198.51.100.7"}, {"port", port},        {"transport", "tcp"},
                      {"protocol", protocol}, {"status", "success"}, {"data", std::move(data)},
                      {"ptr", nullptr}};
}

TEST(RecordFields, LabFixtureIsThere) { ASSERT_GE(lab_records().size(), 40u); }

TEST(RecordFields, ServiceFieldsAndPtr) {
  const FieldSet f = record_fields(lab_record("198.19.0.20", 80, "http"));
  EXPECT_EQ(one(f, "service.protocol"), "http");
  EXPECT_EQ(one(f, "service.port"), "80");
  EXPECT_EQ(one(f, "service.transport"), "tcp");
  EXPECT_EQ(one(f, "service.status"), "success");
  EXPECT_EQ(one(f, "ptr"), "svc-tplink-archer-c7.lab.test");
  const FieldSet udp = record_fields(lab_record("198.19.0.47", 500, "ike"));
  EXPECT_EQ(one(udp, "service.transport"), "udp");
  EXPECT_FALSE(record_fields(record("http", {})).has("ptr"));  // null
}

TEST(RecordFields, HttpRouterLoginChallenge) {
  // TP-Link Archer C7: 401 with a Basic realm naming the model.
  const FieldSet f = record_fields(lab_record("198.19.0.20", 80, "http"));
  EXPECT_EQ(one(f, "http.status"), "401");
  EXPECT_EQ(one(f, "http.title"), "401 Unauthorized");
  EXPECT_EQ(one(f, "http.server"), "Router Webserver");
  EXPECT_EQ(one(f, "http.www_authenticate"), "Basic realm=\"TP-LINK Wireless Dual Band Gigabit Router Archer C7\"");
  EXPECT_EQ(one(f, "http.realm"), "TP-LINK Wireless Dual Band Gigabit Router Archer C7");
  EXPECT_EQ(one(f, "http.headers.server"), "Router Webserver");
  EXPECT_EQ(one(f, "http.headers.www-authenticate"), one(f, "http.www_authenticate"));
  EXPECT_EQ(one(f, "http.headers.content-type"), "text/html");
  EXPECT_NE(one(f, "http.body").find("Access to this resource is denied"), std::string::npos);
  EXPECT_EQ(one(f, "http.favicon.mmh3"), "135016833");
  EXPECT_FALSE(f.has("http.location"));
  EXPECT_FALSE(f.has("http.cookie_names"));  // an empty list
  EXPECT_FALSE(f.has("http.favicon.md5"));   // stage 2 records SHA-256 only
  EXPECT_TRUE(names_with(f, "tls.").empty());
}

TEST(RecordFields, HttpCookieNamesAndSignedFaviconHash) {
  const FieldSet netgear = record_fields(lab_record("198.19.0.25", 80, "http"));
  EXPECT_EQ(values(netgear, "http.cookie_names"), Values{"XSRF_TOKEN"});
  EXPECT_EQ(one(netgear, "http.realm"), "NETGEAR R7000");
  // Shodan's hash is signed: MikroTik's icon hashes below zero.
  const FieldSet mikrotik = record_fields(lab_record("198.19.0.21", 80, "http"));
  EXPECT_EQ(one(mikrotik, "http.favicon.mmh3"), "-1663503879");
  EXPECT_EQ(one(mikrotik, "http.title"), "RouterOS router configuration page");
  EXPECT_FALSE(mikrotik.has("http.server"));
}

TEST(RecordFields, FaviconMd5AndHeaderNamesInLowerCase) {
  json::object data{{"status_code", 200},
                    {"headers", {{"X-Powered-By", "PHP/5.2"}, {"www-authenticate", "Basic realm=\"x\""}}},
                    {"favicon",
                     {{"url", "http://198.51.100.7/favicon.ico"},
                      {"fetched", true},
                      {"mmh3", 0},
                      {"md5", "f3418a443e7d841097c714d69ec4bcb8"}}}};
  const FieldSet f = record_fields(record("http", data));
  EXPECT_EQ(one(f, "http.headers.x-powered-by"), "PHP/5.2");
  EXPECT_EQ(one(f, "http.favicon.mmh3"), "0");
  EXPECT_EQ(one(f, "http.favicon.md5"), "f3418a443e7d841097c714d69ec4bcb8");
  // An icon on another host is never fetched: no hash, no field.
  const FieldSet elsewhere =
      record_fields(record("http", {{"favicon", {{"url", "http://cdn.invalid/f.ico"}, {"fetched", false}}}}));
  EXPECT_TRUE(names_with(elsewhere, "http.favicon").empty());
}

TEST(RecordFields, TlsCertificateAndRedirect) {
  // DrayTek Vigor: HTTPS, 302 to the login page, its factory certificate.
  const FieldSet f = record_fields(lab_record("198.19.0.27", 443, "http"));
  EXPECT_EQ(one(f, "http.status"), "302");
  EXPECT_EQ(one(f, "http.location"), "/weblogin.htm");
  EXPECT_EQ(one(f, "tls.subject"), "CN=Vigor Router,OU=DrayTek Support,O=DrayTek Corp.,L=HuKou,ST=HsinChu,C=TW");
  EXPECT_EQ(one(f, "tls.issuer"), one(f, "tls.subject"));
  EXPECT_EQ(one(f, "tls.subject_cn"), "Vigor Router");
  EXPECT_EQ(one(f, "sstp.answered"), "false");  // https asks every TLS server the SSTP question
  const FieldSet forti = record_fields(lab_record("198.19.0.28", 443, "sslvpn"));
  EXPECT_EQ(values(forti, "tls.sans"), Values{"DNS:FGT60FTK2109D0A1"});
  EXPECT_EQ(one(forti, "tls.issuer"),
            "emailAddress=support@fortinet.com,CN=fortinet-subca2001,OU=Certificate Authority,O=Fortinet,"
            "L=Sunnyvale,ST=California,C=US");
  EXPECT_EQ(one(forti, "http.status"), "302");  // sslvpn records speak HTTP
}

TEST(RecordFields, BannersByProtocol) {
  EXPECT_EQ(one(record_fields(lab_record("198.19.0.11", 22, "ssh")), "ssh.banner"),
            "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10");
  EXPECT_EQ(one(record_fields(lab_record("198.19.0.31", 2222, "ssh")), "ssh.banner"), "SSH-2.0-dropbear_2019.78");
  EXPECT_EQ(one(record_fields(lab_record("198.19.0.23", 21, "ftp")), "ftp.banner"), "FRITZ!Box7590 FTP server ready.");
  const FieldSet telnet = record_fields(lab_record("198.19.0.26", 23, "telnet"));
  EXPECT_EQ(one(telnet, "telnet.banner"), "\r\nWelcome to USG20-VPN\r\nUsername: ");
  EXPECT_TRUE(names_with(telnet, "ssh.").empty());
  EXPECT_TRUE(names_with(telnet, "http.").empty());
  // The banner module's first bytes of an unknown protocol are no banner field.
  EXPECT_EQ(record_fields(record("unknown", {{"banner", "\x01\x02"}})).entries().size(), 4u);  // service.* only
}

TEST(RecordFields, UpnpAnswerAndDescription) {
  const FieldSet f = record_fields(lab_record("198.19.0.34", 1900, "upnp"));
  EXPECT_EQ(one(f, "upnp.server"), "Linux/2.6.36.4brcmarm, UPnP/1.0, Portable SDK for UPnP devices/1.6.18");
  EXPECT_EQ(one(f, "upnp.location"), "http://192.168.1.1:49152/desc.xml");
  EXPECT_EQ(one(f, "upnp.usn"), "uuid:3ddcd1d3-2380-45f5-b069-2c56dc5a1e20::upnp:rootdevice");
  EXPECT_EQ(one(f, "upnp.manufacturer"), "ASUSTeK Computer Inc.");
  EXPECT_EQ(one(f, "upnp.model_name"), "RT-AC68U");
  EXPECT_TRUE(f.has("upnp.model_number"));
  EXPECT_TRUE(f.has("upnp.model_description"));
  EXPECT_TRUE(f.has("upnp.friendly_name"));
  EXPECT_TRUE(f.has("upnp.manufacturer_url"));
  EXPECT_EQ(one(f, "upnp.device_type"), "urn:schemas-upnp-org:device:InternetGatewayDevice:1");
  EXPECT_EQ(values(f, "upnp.service_types"), (Values{"urn:schemas-upnp-org:service:Layer3Forwarding:1",
                                                     "urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1",
                                                     "urn:schemas-upnp-org:service:WANIPConnection:1"}));
  EXPECT_EQ(one(f, "http.status"), "200");  // the description fetch's
  EXPECT_FALSE(f.has("http.server"));       // the table maps only the status of a description
  const FieldSet fritz = record_fields(lab_record("198.19.0.39", 1900, "upnp"));
  EXPECT_EQ(one(fritz, "upnp.manufacturer"), "AVM Berlin");
  EXPECT_EQ(one(fritz, "upnp.model_name"), "FRITZ!Box 7590");
}

TEST(RecordFields, PptpAndL2tpNames) {
  const FieldSet yamaha = record_fields(lab_record("198.19.0.32", 1723, "pptp"));
  EXPECT_EQ(one(yamaha, "pptp.vendor"), "YAMAHA Corporation");
  EXPECT_EQ(one(yamaha, "pptp.hostname"), "RTX1210");
  EXPECT_EQ(one(yamaha, "pptp.firmware"), "1");
  EXPECT_TRUE(names_with(yamaha, "l2tp.").empty());
  EXPECT_FALSE(yamaha.has("openvpn.message"));  // PPTP's message name is not OpenVPN's
  const FieldSet xl2tpd = record_fields(lab_record("198.19.0.48", 1701, "l2tp"));
  EXPECT_EQ(one(xl2tpd, "l2tp.vendor"), "xelerance.com");
  EXPECT_EQ(one(xl2tpd, "l2tp.hostname"), "lab-lns");
  EXPECT_TRUE(xl2tpd.has("l2tp.firmware"));
  EXPECT_TRUE(names_with(xl2tpd, "pptp.").empty());
}

TEST(RecordFields, IkeVendorIdsAndVersions) {
  const FieldSet f = record_fields(lab_record("198.19.0.47", 500, "ike"));
  EXPECT_EQ(values(f, "ike.vendor_ids"), (Values{"XAUTH", "DPD (RFC 3706)", "IKE fragmentation", "RFC 3947 NAT-T"}));
  EXPECT_EQ(values(f, "ike.vendor_id_hex").front(), "09002689dfd6b712");
  EXPECT_EQ(values(f, "ike.vendor_id_hex").size(), 4u);
  EXPECT_EQ(values(f, "ike.versions"), (Values{"ikev2", "ikev1"}));
  // Only named vendor IDs have a name; every one has its hex.
  const FieldSet unnamed = record_fields(record(
      "ike", {{"vendor_ids", json::array{json::object{{"hex", "4f45"}}, json::object{{"hex", "12"}, {"name", "X"}}}}},
      500));
  EXPECT_EQ(values(unnamed, "ike.vendor_ids"), Values{"X"});
  EXPECT_EQ(values(unnamed, "ike.vendor_id_hex"), (Values{"4f45", "12"}));
}

TEST(RecordFields, OpenVpnMessage) {
  EXPECT_EQ(one(record_fields(lab_record("198.19.0.45", 443, "openvpn")), "openvpn.message"),
            "P_CONTROL_HARD_RESET_SERVER_V2");
}

TEST(RecordFields, CwmpListener) {
  const FieldSet f = record_fields(lab_record("198.19.0.29", 7547, "cwmp"));
  EXPECT_EQ(one(f, "cwmp.server"), "RomPager/4.07 UPnP/1.0");
  EXPECT_EQ(one(f, "cwmp.realm"), "HuaweiHomeGateway");
  EXPECT_EQ(values(f, "cwmp.hints"), (Values{"rompager", "misfortune-cookie-era", "realm-huawei-home-gateway"}));
  EXPECT_EQ(one(f, "http.status"), "401");
  EXPECT_EQ(one(f, "http.server"), "RomPager/4.07 UPnP/1.0");
}

TEST(RecordFields, SstpAndSslVpn) {
  const FieldSet sstp = record_fields(lab_record("198.19.0.36", 443, "sstp"));
  EXPECT_EQ(one(sstp, "sstp.answered"), "true");
  EXPECT_EQ(one(sstp, "http.status"), "404");
  EXPECT_EQ(one(sstp, "tls.subject_cn"), "d1f20e5b8c3a.sn.mynetname.net");
  EXPECT_EQ(one(record_fields(lab_record("198.19.0.37", 443, "sslvpn")), "sslvpn.product"), "Palo Alto GlobalProtect");
  EXPECT_EQ(one(record_fields(lab_record("198.19.0.49", 443, "sslvpn")), "sslvpn.product"),
            "OpenConnect server (ocserv)");
  // A hint the follow-up did not confirm names no product.
  const FieldSet hint =
      record_fields(record("http", {{"sslvpn", {{"product", "SonicWall"}, {"confirmed", false}, {"evidence", {}}}}}));
  EXPECT_FALSE(hint.has("sslvpn.product"));
}

TEST(RecordFields, HttpProxyAnswers) {
  const FieldSet open = record_fields(lab_record("198.19.0.40", 8888, "http-proxy"));
  EXPECT_EQ(one(open, "proxy.verdict"), "open");
  EXPECT_EQ(one(open, "proxy.via"), "1.1 vm (tinyproxy/1.11.1)");
  EXPECT_FALSE(open.has("proxy.software"));
  const FieldSet auth = record_fields(lab_record("198.19.0.41", 3128, "http-proxy"));
  EXPECT_EQ(one(auth, "proxy.verdict"), "auth-required");
  EXPECT_EQ(values(auth, "proxy.software"), (Values{"tinyproxy", "tinyproxy"}));  // GET's, then CONNECT's
  EXPECT_EQ(values(auth, "proxy.server"), (Values{"tinyproxy/1.11.1", "tinyproxy/1.11.1"}));
  EXPECT_TRUE(names_with(auth, "http.").empty());
  // Without a canary the probe asks one plain GET.
  const FieldSet plain = record_fields(record(
      "http-proxy",
      {{"plain",
        {{"status_code", 400}, {"server", "squid/5.7"}, {"software", "squid"}, {"via", "1.1 cache (squid/5.7)"}}},
       {"verdict", "unproven"}},
      3128));
  EXPECT_EQ(one(plain, "proxy.software"), "squid");
  EXPECT_EQ(one(plain, "proxy.server"), "squid/5.7");
  EXPECT_EQ(one(plain, "proxy.via"), "1.1 cache (squid/5.7)");
  EXPECT_EQ(one(plain, "proxy.verdict"), "unproven");
}

TEST(RecordFields, Socks) {
  const FieldSet open = record_fields(lab_record("198.19.0.42", 1080, "socks5"));
  EXPECT_EQ(one(open, "proxy.verdict"), "open");
  EXPECT_EQ(one(open, "socks.version"), "5");
  EXPECT_EQ(one(open, "socks.method"), "no-auth");
  const FieldSet auth = record_fields(lab_record("198.19.0.43", 1080, "socks5"));
  EXPECT_EQ(one(auth, "proxy.verdict"), "auth-required");
  EXPECT_EQ(one(auth, "socks.method"), "no-acceptable-methods");
  const FieldSet v4 = record_fields(record("socks4", {{"version", 4}, {"verdict", "open"}}, 1080));
  EXPECT_EQ(one(v4, "socks.version"), "4");
  EXPECT_FALSE(v4.has("socks.method"));
  // Only proxy records have proxy fields.
  EXPECT_TRUE(names_with(record_fields(record("http", {{"verdict", "open"}, {"version", 5}})), "proxy.").empty());
}

TEST(RecordFields, EveryLabRecordHasItsServiceFields) {
  for (const json::object& r : lab_records()) {
    const FieldSet f = record_fields(r);
    EXPECT_EQ(one(f, "service.protocol"), r.at("protocol").as_string());
    EXPECT_EQ(one(f, "service.port"), std::to_string(r.at("port").as_int64()));
    EXPECT_GT(f.entries().size(), 5u) << r.at("ip").as_string() << ":" << r.at("port").as_int64();
  }
}

TEST(RecordFields, PartsGiveTheSameFieldsAsTheRecord) {
  for (const json::object& r : lab_records()) {
    auto head = read_record_head(r);
    ASSERT_TRUE(head) << head.error().message;
    EXPECT_EQ(head->ip, r.at("ip").as_string());
    EXPECT_EQ(record_fields(*head, r.at("data").as_object()).entries(), record_fields(r).entries());
  }
}

TEST(RecordFields, OddTypesGiveNoFieldAndNeverThrow) {
  // Stored records from elsewhere: wrong types are skipped, not errors.
  json::object data{{"status_code", json::array{1}},
                    {"title", nullptr},
                    {"server", 3.5},
                    {"headers", "not an object"},
                    {"set_cookie_names", json::array{"a", 1, json::object{}, nullptr}},
                    {"tls", {{"certificate", "x"}}},
                    {"favicon", json::array{}}};
  const FieldSet f = record_fields(record("http", data));
  EXPECT_FALSE(f.has("http.status"));
  EXPECT_FALSE(f.has("http.title"));
  EXPECT_FALSE(f.has("http.server"));
  EXPECT_EQ(values(f, "http.cookie_names"), (Values{"a", "1"}));
  EXPECT_TRUE(names_with(f, "tls.").empty());
  json::object bare{{"protocol", 7}, {"data", "x"}, {"port", "80"}};
  EXPECT_TRUE(record_fields(bare).entries().empty());
  EXPECT_TRUE(record_fields(json::object{}).entries().empty());
}

TEST(RecordFields, RecordHeadNamesWhatIsWrong) {
  const auto error = [](json::object r) {
    auto head = read_record_head(r);
    return head ? std::string("ok") : head.error().message;
  };
  const json::object good = record("http", {});
  EXPECT_EQ(error(good), "ok");
  auto with = [&](std::string_view key, json::value v) {
    json::object r = good;
    r[key] = std::move(v);
    return r;
  };
  auto without = [&](std::string_view key) {
    json::object r = good;
    r.erase(key);
    return r;
  };
  EXPECT_EQ(error(with("ip", "198.51.100")), "not a service record: \"ip\" is not an IPv4 address");
  EXPECT_EQ(error(without("ip")), "not a service record: no \"ip\" string");
  for (json::value port : {json::value(0), json::value(65536), json::value("80"), json::value(80.0)})
    EXPECT_EQ(error(with("port", port)), "not a service record: \"port\" is not a port number (1-65535)");
  EXPECT_EQ(error(with("transport", "sctp")), "not a service record: \"transport\" is neither tcp nor udp");
  EXPECT_EQ(error(without("protocol")), "not a service record: no \"protocol\" string");
  EXPECT_EQ(error(with("status", "")), "not a service record: no \"status\" string");
  EXPECT_EQ(error(with("data", json::array{})), "not a service record: no \"data\" object");
  EXPECT_EQ(error(with("ptr", 5)), "not a service record: \"ptr\" is neither a string nor null");
  EXPECT_EQ(error(without("ptr")), "ok");
  const json::object named = with("ptr", "198-51-100-7.dyn.invalid");  // the head's views point into it
  auto head = read_record_head(named);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->ptr, "198-51-100-7.dyn.invalid");
  EXPECT_EQ(head->port, 80);
}

}  // namespace
}  // namespace fumidai::fingerprints
