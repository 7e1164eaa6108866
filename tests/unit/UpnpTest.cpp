// UPnP: the SSDP answer parser, LOCATION handling, the bounded XML pull
// parser and the description reader, then the "upnp" module end to end on
// loopback (SSDP over UDP, the description over TCP) on a ManualClock.
// Fixtures in data/upnp are real replies of miniupnpd 2.3.1 (Debian 12) in a
// lab namespace: its config set friendly_name, uuid and serial.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string>
#include <string_view>

#include "fumidai/scanner/probes/text/SafeText.h"
#include "fumidai/scanner/probes/upnp/SsdpResponse.h"
#include "fumidai/scanner/probes/upnp/UpnpDescription.h"
#include "fumidai/scanner/probes/upnp/UpnpLocation.h"
#include "fumidai/scanner/probes/upnp/UpnpProbe.h"
#include "fumidai/scanner/probes/upnp/XmlPullParser.h"
#include "support/GrabHarness.h"
#include "support/LoopbackServer.h"
#include "support/LoopbackUdpServer.h"

namespace fumidai::scanner {
namespace {

using namespace std::chrono_literals;
using namespace std::string_view_literals;
using test::GrabHarness;
using test::LoopbackServer;
using test::LoopbackUdpServer;

constexpr std::uint32_t kLoopback = 0x7f000001;

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(FUMIDAI_TEST_DATA_DIR) + "/upnp/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The body of an HTTP fixture (after the head).
std::string body_of(const std::string& http) { return http.substr(http.find("\r\n\r\n") + 4); }

std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// ---- SSDP -----------------------------------------------------------------

TEST(Ssdp, MiniupnpdAnswer) {
  const auto r = parse_ssdp_response(bytes(fixture("miniupnpd-2.3.1-ssdp.bin")));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->version, "HTTP/1.1");
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->reason, "OK");
  EXPECT_EQ(r->st, "upnp:rootdevice");
  EXPECT_EQ(r->usn, "uuid:3d3cec3a-8cf0-11e0-98ee-001a6bd2d07b::upnp:rootdevice");
  EXPECT_EQ(r->location, "http://198.51.100.2:5000/rootDesc.xml");
  ASSERT_TRUE(r->server);
  EXPECT_TRUE(r->server->ends_with("UPnP/1.1 MiniUPnPd/2.3.1"));
  EXPECT_EQ(r->cache_control, "max-age=120");
  EXPECT_EQ(r->max_age(), 120u);
  EXPECT_TRUE(r->ext);
  EXPECT_EQ(r->headers.size(), 10u);
}

TEST(Ssdp, BareLineFeedsNoFinalEmptyLineAndFoldedValues) {
  const auto r = parse_ssdp_response(
      bytes("HTTP/1.1 200 OK\nLocation: http://192.168.1.1:49152/desc.xml\nServer: Linux/2.6 UPnP/1.0\n  "
            "Portable SDK/1.6\nusn: uuid:x"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->location, "http://192.168.1.1:49152/desc.xml");
  EXPECT_EQ(r->server, "Linux/2.6 UPnP/1.0 Portable SDK/1.6");
  EXPECT_EQ(r->usn, "uuid:x");
  EXPECT_FALSE(r->ext);
  EXPECT_FALSE(r->max_age());
}

TEST(Ssdp, FirstOfRepeatedHeadersAndTextAfterTheHeadIgnored) {
  const auto r = parse_ssdp_response(bytes("HTTP/1.1 200 OK\r\nST: a\r\nST: b\r\n\r\nnot a header"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->st, "a");
  EXPECT_EQ(r->headers.size(), 2u);
}

TEST(Ssdp, MaxAgeAmongOtherDirectives) {
  auto r = parse_ssdp_response(bytes("HTTP/1.1 200 OK\r\nCache-Control: no-cache=\"Ext\", max-age = 1800\r\n\r\n"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->max_age(), 1800u);
  r = parse_ssdp_response(bytes("HTTP/1.1 200 OK\r\nCache-Control: max-age=-1\r\n\r\n"));
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->max_age());
}

TEST(Ssdp, NotAnAnswer) {
  for (const std::string_view bad : {
           "NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNTS: ssdp:alive\r\n\r\n"sv,
           "M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\n\r\n"sv,
           ""sv,
           "HTTP/1.1 20"sv,
           "HTTP/2 200 OK\r\n\r\n"sv,
           "\x16\x03\x01\x00\x05hello"sv,
       }) {
    const auto r = parse_ssdp_response(bytes(bad));
    EXPECT_FALSE(r) << quote_bytes(bad);
  }
}

TEST(Ssdp, MalformedHeadersAreErrors) {
  EXPECT_FALSE(parse_ssdp_response(bytes("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n")));
  EXPECT_FALSE(parse_ssdp_response(bytes("HTTP/1.1 200 OK\r\n: empty name\r\n\r\n")));
  EXPECT_FALSE(parse_ssdp_response(bytes("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n")));
  EXPECT_FALSE(parse_ssdp_response(bytes("HTTP/1.1 200 OK\r\n folded first\r\n\r\n")));
  std::string many = "HTTP/1.1 200 OK\r\n";
  for (std::size_t i = 0; i <= SsdpResponse::kMaxHeaders; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  const auto r = parse_ssdp_response(bytes(many));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("more than 32 header lines"), std::string::npos);
}

TEST(Ssdp, OnlyTheFirstBytesOfAHugeDatagramAreRead) {
  std::string big = "HTTP/1.1 200 OK\r\nLOCATION: http://h/x\r\nX-Junk: " + std::string(70000, 'a') + "\r\n\r\n";
  const auto r = parse_ssdp_response(bytes(big));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->location, "http://h/x");
  EXPECT_LT(r->headers.back().value.size(), SsdpResponse::kMaxDatagramBytes);
}

TEST(Ssdp, SearchRequestIsAUnicastRootDeviceSearch) {
  const std::string_view request = ssdp_search_request();
  EXPECT_TRUE(request.starts_with("M-SEARCH * HTTP/1.1\r\n"));
  for (const std::string_view line :
       {"HOST: 239.255.255.250:1900\r\n"sv, "MAN: \"ssdp:discover\"\r\n"sv, "MX: 1\r\n"sv, "ST: upnp:rootdevice\r\n"sv})
    EXPECT_NE(request.find(line), std::string_view::npos) << line;
  EXPECT_TRUE(request.ends_with("\r\n\r\n"));
}

// ---- LOCATION -------------------------------------------------------------

TEST(UpnpLocation, HostPortAndPath) {
  auto l = parse_upnp_location("http://192.168.1.1:49152/gatedesc.xml");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->host, "192.168.1.1");
  EXPECT_EQ(l->port, 49152);
  EXPECT_EQ(l->path, "/gatedesc.xml");

  l = parse_upnp_location(" HTTP://router.lan/desc?x=1#frag ");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->host, "router.lan");
  EXPECT_EQ(l->port, 80);
  EXPECT_EQ(l->path, "/desc?x=1");

  l = parse_upnp_location("http://[fe80::1]:1900");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->host, "[fe80::1]");
  EXPECT_EQ(l->port, 1900);
  EXPECT_EQ(l->path, "/");

  l = parse_upnp_location("http://[fe80::1]/d.xml");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->port, 80);

  l = parse_upnp_location("http://user:pw@10.0.0.1:8080?q");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->host, "10.0.0.1");
  EXPECT_EQ(l->path, "/?q");
}

TEST(UpnpLocation, PathCannotInjectIntoTheRequest) {
  const auto l = parse_upnp_location("http://h:80/a b\r\nX-Injected: 1\r\n\r\n\xff");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->path, "/a%20b%0D%0AX-Injected:%201%0D%0A%0D%0A%FF");
}

TEST(UpnpLocation, Rejected) {
  for (const std::string_view bad :
       {"https://192.168.1.1/desc.xml"sv, "ftp://h/x"sv, "/desc.xml"sv, "http://"sv, "http://:80/x"sv, "http://h:0/x"sv,
        "http://h:65536/x"sv, "http://h:8o/x"sv, "http://h:/x"sv})
    EXPECT_FALSE(parse_upnp_location(bad)) << bad;
  EXPECT_FALSE(parse_upnp_location("http://h/" + std::string(UpnpLocation::kMaxBytes, 'a')));
}

// ---- XML ------------------------------------------------------------------

// The events as text: "<a" start, "</a" end, "'t'" text, "$" end of document,
// "!message" an error.
std::string events(std::string_view xml, XmlLimits limits = {}) {
  XmlPullParser parser(xml, limits);
  std::string out;
  for (int i = 0; i < 10000; ++i) {
    const auto e = parser.next();
    if (!e) return out + "!" + e.error().message;
    switch (*e) {
      case XmlPullParser::Event::start_element:
        out += "<" + std::string(parser.local_name()) + " ";
        break;
      case XmlPullParser::Event::end_element:
        out += "</" + std::string(parser.local_name()) + " ";
        break;
      case XmlPullParser::Event::text:
        out += "'" + parser.text() + "' ";
        break;
      case XmlPullParser::Event::end_document:
        return out + "$";
    }
  }
  return out + "(no end)";
}

TEST(Xml, ElementsTextAndSkippedMarkup) {
  EXPECT_EQ(events("\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- c --><root a='1' b = \"2\"><x>hi</x><y/></root>"),
            "<root <x 'hi' </x <y </y </root $");
}

TEST(Xml, NamespacePrefixesAreDropped) {
  EXPECT_EQ(events("<s:root xmlns:s=\"urn:x\"><s:a>1</s:a></s:root>"), "<root <a '1' </a </root $");
  EXPECT_EQ(events("<s:root xmlns:s=\"urn:x\"><s:a>1</a></s:root>"),
            "<root <a '1' !xml: end tag </\"a\"> does not close <\"s:a\">");
}

TEST(Xml, EntitiesCharacterReferencesAndCdataMerge) {
  EXPECT_EQ(events("<r>AT&amp;T &lt;&gt;&quot;&apos; &#65;&#x42;&#x1F600; AT&T &bogus; &#0; &#xD800;</r>"),
            "<r 'AT&T <>\"' AB\xF0\x9F\x98\x80 AT&T &bogus; &#0; &#xD800;' </r $");
  EXPECT_EQ(events("<r>a<![CDATA[<b>&amp;]]>c<!-- x -->d</r>"), "<r 'a<b>&amp;cd' </r $");
}

TEST(Xml, AttributesAreDecoded) {
  XmlPullParser parser("<r a='x &amp; &quot;y&quot;' s:b=\"1\n2\t3&#10;4\"><e c=\"\"/></r>");
  ASSERT_EQ(parser.next().value(), XmlPullParser::Event::start_element);
  ASSERT_EQ(parser.attributes().size(), 2u);
  EXPECT_EQ(parser.attributes()[0].name, "a");
  EXPECT_EQ(parser.attributes()[0].value, "x & \"y\"");
  EXPECT_EQ(parser.attributes()[1].name, "s:b");
  EXPECT_EQ(parser.attributes()[1].value, "1 2 3\n4");  // literal whitespace normalised, references kept
  ASSERT_NE(parser.attribute("a"), nullptr);
  EXPECT_EQ(*parser.attribute("a"), "x & \"y\"");
  EXPECT_EQ(parser.attribute("b"), nullptr);  // qualified names
  ASSERT_EQ(parser.next().value(), XmlPullParser::Event::start_element);
  ASSERT_NE(parser.attribute("c"), nullptr);
  EXPECT_EQ(*parser.attribute("c"), "");
  EXPECT_EQ(events("<r a='1' a=\"2\"/>"), "!xml: attribute \"a\" given twice");
}

TEST(Xml, StopsAtTheEndOfTheRootElement) { EXPECT_EQ(events("<r/>trailing <junk & stuff"), "<r </r $"); }

TEST(Xml, BillionLaughsIsRefusedAtTheDoctype) {
  std::string bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n";
  for (int i = 1; i <= 9; ++i) {
    bomb += " <!ENTITY lol" + std::to_string(i) + " \"";
    for (int j = 0; j < 10; ++j) bomb += "&lol" + (i > 1 ? std::to_string(i - 1) : std::string()) + ";";
    bomb += "\">\n";
  }
  bomb += "]>\n<root><device><friendlyName>&lol9;</friendlyName></device></root>";
  EXPECT_EQ(events(bomb), "!xml: DOCTYPE not allowed");
}

TEST(Xml, ExternalEntitiesAreRefused) {
  EXPECT_EQ(events("<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>"), "!xml: DOCTYPE not allowed");
  EXPECT_EQ(events("<!doctype html><r/>"), "!xml: DOCTYPE not allowed");
  EXPECT_EQ(events("<r><!ENTITY x \"y\"></r>"), "<r !xml: ENTITY not allowed");
  // An undeclared reference is text, never a lookup.
  EXPECT_EQ(events("<r>&x;</r>"), "<r '&x;' </r $");
}

TEST(Xml, DeepNestingIsBounded) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  const std::string result = events(deep);
  EXPECT_TRUE(result.ends_with("!xml: elements nested deeper than 32")) << result.substr(result.size() - 80);
  XmlLimits limits;
  limits.max_depth = 3;
  EXPECT_EQ(events("<a><b><c></c></b></a>", limits), "<a <b <c </c </b </a $");
  EXPECT_EQ(events("<a><b><c><d>", limits), "<a <b <c !xml: elements nested deeper than 3");
}

TEST(Xml, HugeTextAndManyElementsAreBounded) {
  EXPECT_EQ(events("<r>" + std::string(5000, 'x') + "</r>"), "<r !xml: text longer than 4096 bytes");
  EXPECT_EQ(events("<r><![CDATA[" + std::string(5000, 'x') + "]]></r>"), "<r !xml: text longer than 4096 bytes");
  EXPECT_EQ(events("<r a=\"" + std::string(5000, 'x') + "\"/>"), "!xml: attribute value longer than 4096 bytes");
  EXPECT_EQ(events("<" + std::string(300, 'n') + "/>"), "!xml: element name longer than 256 bytes");
  std::string many = "<r>";
  for (int i = 0; i < 5000; ++i) many += "<e/>";
  const std::string result = events(many + "</r>");
  EXPECT_TRUE(result.ends_with("!xml: more than 4096 elements")) << result.substr(result.size() - 80);
}

TEST(Xml, MalformedDocuments) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"", "!xml: no root element"},
      {"   ", "!xml: no root element"},
      {"junk<r/>", "!xml: text before the root element"},
      {"<r>", "<r !xml: the document ends inside <\"r\">"},
      {"<r><a></b></r>", "<r <a !xml: end tag </\"b\"> does not close <\"a\">"},
      {"</r>", "!xml: end tag </\"r\"> does not close <nothing>"},
      {"<r", "!xml: unterminated tag <\"r\">"},
      {"<r a>", "!xml: attribute without a value at byte 4"},
      {"<r a=1>", "!xml: unquoted attribute value at byte 5"},
      {"<r a=\"1>", "!xml: unterminated attribute value"},
      {"<r a=\"<\">", "!xml: '<' in an attribute value"},
      {"<r a=\"1\"b=\"2\">", "!xml: malformed tag at byte 8"},
      {"<r><!-- never closed</r>", "<r !xml: unterminated comment"},
      {"<r><![CDATA[ never closed</r>", "<r !xml: unterminated CDATA section"},
      {"<![CDATA[x]]><r/>", "!xml: CDATA outside the root element"},
      {"<r><!ELEMENT r ANY></r>", "<r !xml: unexpected markup \"<!ELEMENT r \""},
      {"<>", "!xml: expected element name at byte 1"},
      {"<s:root><s:></s:></s:root>", "<root !xml: element name \"s:\" has no local part"},
      {"<r></ r>", "<r !xml: expected end tag name at byte 5"},
  };
  for (const auto& [xml, want] : cases) EXPECT_EQ(events(xml), want) << xml;
}

TEST(Xml, AnErrorIsSticky) {
  XmlPullParser parser("<r><a></b>");
  ASSERT_TRUE(parser.next());
  ASSERT_TRUE(parser.next());
  const auto first = parser.next();
  ASSERT_FALSE(first);
  const auto again = parser.next();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, first.error().message);
}

// ---- Description ------------------------------------------------------------

TEST(UpnpDescription, MiniupnpdRootDescription) {
  const std::string xml = body_of(fixture("miniupnpd-2.3.1-rootDesc.http"));
  const auto d = parse_upnp_description(xml);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->spec_version, "1.1");
  EXPECT_FALSE(d->url_base);
  EXPECT_EQ(d->root.device_type, "urn:schemas-upnp-org:device:InternetGatewayDevice:2");
  EXPECT_EQ(d->root.friendly_name, "fdx web test router");
  EXPECT_EQ(d->root.manufacturer, "Debian");
  EXPECT_EQ(d->root.manufacturer_url, "http://www.debian.org/");
  EXPECT_EQ(d->root.model_name, "Debian router");
  EXPECT_EQ(d->root.model_number, "7.1");
  EXPECT_EQ(d->root.model_description, "Debian router");
  EXPECT_EQ(d->root.udn, "uuid:3d3cec3a-8cf0-11e0-98ee-001a6bd2d07b");
  EXPECT_TRUE(d->root.presentation_url);
  EXPECT_EQ(d->embedded_device_types, (std::vector<std::string>{"urn:schemas-upnp-org:device:WANDevice:2",
                                                                "urn:schemas-upnp-org:device:WANConnectionDevice:2"}));
  ASSERT_GE(d->service_types.size(), 4u);
  EXPECT_EQ(d->service_types[0], "urn:schemas-upnp-org:service:Layer3Forwarding:1");
  EXPECT_TRUE(d->has_wan_connection_service());
  EXPECT_FALSE(d->lists_truncated);
}

TEST(UpnpDescription, PrefixedNamesWhitespaceAndUrlBase) {
  const auto d = parse_upnp_description(
      "<u:root xmlns:u=\"urn:schemas-upnp-org:device-1-0\"><u:URLBase>http://192.168.0.1:80/</u:URLBase>"
      "<u:device><u:deviceType>\n  urn:schemas-upnp-org:device:InternetGatewayDevice:1\n</u:deviceType>"
      "<u:friendlyName>RT-AC68U</u:friendlyName><u:manufacturer>ASUSTeK Computer Inc.</u:manufacturer>"
      "<u:serialNumber>0123456789</u:serialNumber>"
      "<u:serviceList><u:service><u:serviceType>urn:schemas-upnp-org:service:WANPPPConnection:1</u:serviceType>"
      "</u:service></u:serviceList></u:device></u:root>");
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->url_base, "http://192.168.0.1:80/");
  EXPECT_EQ(d->root.device_type, "urn:schemas-upnp-org:device:InternetGatewayDevice:1");
  EXPECT_EQ(d->root.friendly_name, "RT-AC68U");
  EXPECT_TRUE(d->has_wan_connection_service());
  EXPECT_FALSE(d->spec_version);
}

TEST(UpnpDescription, NotADeviceDescription) {
  auto d = parse_upnp_description("<html><body>hi</body></html>");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().message, "upnp: not a device description (root element <\"html\">)");
  d = parse_upnp_description("<root><specVersion><major>1</major></specVersion></root>");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().message, "upnp: the description has no root <device>");
  d = parse_upnp_description("<!DOCTYPE root [<!ENTITY a \"b\">]><root/>");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().message, "xml: DOCTYPE not allowed");
}

TEST(UpnpDescription, ListsAreBounded) {
  std::string xml = "<root><device><deviceType>t</deviceType><deviceList>";
  for (std::size_t i = 0; i < UpnpDescription::kMaxListed + 10; ++i)
    xml += "<device><deviceType>d" + std::to_string(i) + "</deviceType></device>";
  xml += "</deviceList></device></root>";
  const auto d = parse_upnp_description(xml);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->embedded_device_types.size(), UpnpDescription::kMaxListed);
  EXPECT_TRUE(d->lists_truncated);
  EXPECT_EQ(d->root.device_type, "t");
}

// ---- The "upnp" module on loopback -------------------------------------------

// An HTTP server on 127.0.0.1 that answers every request with `reply` and
// keeps the request heads.
struct DescriptionServer {
  explicit DescriptionServer(std::string reply)
      : server([this, reply = std::move(reply)](int fd, const std::atomic<bool>&) {
          std::string head;
          char c;
          while (head.find("\r\n\r\n") == std::string::npos && ::recv(fd, &c, 1, 0) == 1) head += c;
          {
            std::lock_guard lock(mutex);
            heads.push_back(head);
          }
          LoopbackServer::send_all(fd, reply);
          ::shutdown(fd, SHUT_WR);
        }) {}
  std::vector<std::string> requests() {
    std::lock_guard lock(mutex);
    return heads;
  }
  std::mutex mutex;
  std::vector<std::string> heads;
  LoopbackServer server;
};

std::string ssdp_answer(std::string_view location) {
  std::string a = fixture("miniupnpd-2.3.1-ssdp.bin");
  const std::string old = "http://198.51.100.2:5000/rootDesc.xml";
  return a.replace(a.find(old), old.size(), location);
}

// A listener on another loopback address that must never be connected to.
class Decoy {
 public:
  Decoy(const char* address, std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    ::inet_pton(AF_INET, address, &a.sin_addr);
    bound_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 && ::listen(fd_, 8) == 0;
  }
  ~Decoy() { ::close(fd_); }
  bool bound() const { return bound_; }
  bool contacted() const {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
  }

 private:
  int fd_;
  bool bound_ = false;
};

GrabHarness upnp_harness() { return GrabHarness(test::quick_grab_options(), "upnp"); }

TEST(UpnpProbe, DescriptionComesFromTheScannedAddressOnly) {
  DescriptionServer description(fixture("miniupnpd-2.3.1-rootDesc.http"));
  const std::uint16_t port = description.server.port();
  Decoy decoy("127.0.0.2", port);
  ASSERT_TRUE(decoy.bound());
  const std::string location = "http://127.0.0.2:" + std::to_string(port) + "/rootDesc.xml";
  LoopbackUdpServer ssdp([&](const std::string& datagram) {
    if (!datagram.starts_with("M-SEARCH * HTTP/1.1\r\n")) return std::vector<std::string>{};
    // A NOTIFY and an error answer first: neither answers the search.
    return std::vector<std::string>{"NOTIFY * HTTP/1.1\r\nNTS: ssdp:alive\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n\r\n",
                                    ssdp_answer(location)};
  });
  GrabHarness h = upnp_harness();
  h.source.add({kLoopback, ssdp.port(), Transport::udp});
  h.run_to_end();
  const GrabRecord& r = h.only_record();
  ASSERT_EQ(to_string(r.status), "success") << r.error;
  EXPECT_EQ(r.protocol, "upnp");
  EXPECT_EQ(r.target.transport, Transport::udp);
  const auto& s = r.data.at("ssdp").as_object();
  EXPECT_EQ(s.at("location").as_string(), location);
  EXPECT_EQ(s.at("max_age").to_number<int>(), 120);
  EXPECT_TRUE(s.at("ext").as_bool());
  EXPECT_EQ(s.at("headers").as_object().at("configid.upnp.org").as_string(), "1337");
  const auto& d = r.data.at("description").as_object();
  EXPECT_EQ(d.at("location").as_string(), location);
  EXPECT_EQ(d.at("location_host").as_string(), "127.0.0.2");
  EXPECT_TRUE(d.at("location_host_rewritten").as_bool());
  EXPECT_EQ(d.at("url").as_string(), "http://127.0.0.1:" + std::to_string(port) + "/rootDesc.xml");
  EXPECT_TRUE(d.at("fetched").as_bool());
  EXPECT_EQ(d.at("status_code").to_number<int>(), 200);
  EXPECT_EQ(d.at("friendly_name").as_string(), "fdx web test router");
  EXPECT_EQ(d.at("model_number").as_string(), "7.1");
  EXPECT_TRUE(d.at("wan_connection_service").as_bool());
  EXPECT_EQ(boost::json::serialize(r.data).find("SN-SECRET"), std::string::npos) << "serial numbers are never recorded";

  const auto requests = description.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0].starts_with("GET /rootDesc.xml HTTP/1.1\r\n")) << requests[0];
  EXPECT_NE(requests[0].find("\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n"), std::string::npos);
  EXPECT_FALSE(decoy.contacted()) << "LOCATION's own host was contacted";
  EXPECT_EQ(ssdp.datagrams(), 1);
}

TEST(UpnpProbe, PrivateLocationHostIsReplacedNotContacted) {
  // 10.0.0.1 cannot be listened on here; the module has no way to reach any
  // address but the target's (ProbeSession::connect_tcp takes a port only),
  // and the description server on 127.0.0.1 is the one asked.
  DescriptionServer description(fixture("miniupnpd-2.3.1-rootDesc.http"));
  const std::string location = "http://10.0.0.1:" + std::to_string(description.server.port()) + "/rootDesc.xml";
  LoopbackUdpServer ssdp([&](const std::string&) { return std::vector<std::string>{ssdp_answer(location)}; });
  GrabHarness h = upnp_harness();
  h.source.add({kLoopback, ssdp.port(), Transport::udp});
  h.run_to_end();
  const GrabRecord& r = h.only_record();
  ASSERT_EQ(to_string(r.status), "success") << r.error;
  EXPECT_EQ(r.data.at("description").at("location_host").as_string(), "10.0.0.1");
  EXPECT_EQ(r.data.at("description").at("udn").as_string(), "uuid:3d3cec3a-8cf0-11e0-98ee-001a6bd2d07b");
  EXPECT_EQ(description.requests().size(), 1u);
}

TEST(UpnpProbe, XmlBombIsAProtocolErrorThatKeepsTheSsdpAnswer) {
  const std::string bomb =
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]>"
      "<root><device><friendlyName>&lol2;</friendlyName></device></root>";
  DescriptionServer description("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(bomb.size()) + "\r\n\r\n" +
                                bomb);
  const std::string location = "http://192.168.1.1:" + std::to_string(description.server.port()) + "/d.xml";
  LoopbackUdpServer ssdp([&](const std::string&) { return std::vector<std::string>{ssdp_answer(location)}; });
  GrabHarness h = upnp_harness();
  h.source.add({kLoopback, ssdp.port(), Transport::udp});
  h.run_to_end();
  const GrabRecord& r = h.only_record();
  EXPECT_EQ(to_string(r.status), "protocol-error");
  EXPECT_EQ(r.error, "upnp description: xml: DOCTYPE not allowed");
  EXPECT_EQ(r.protocol, "upnp");
  EXPECT_TRUE(r.data.contains("ssdp"));
  EXPECT_TRUE(r.data.at("description").at("fetched").as_bool());
  EXPECT_FALSE(r.data.at("description").as_object().contains("friendly_name"));
}

TEST(UpnpProbe, OversizedDescriptionIsAProtocolError) {
  const std::string huge = "<root><device><friendlyName>" + std::string(100000, 'x');
  DescriptionServer description("HTTP/1.1 200 OK\r\n\r\n" + huge);
  const std::string location = "http://h:" + std::to_string(description.server.port()) + "/";
  LoopbackUdpServer ssdp([&](const std::string&) { return std::vector<std::string>{ssdp_answer(location)}; });
  GrabHarness h = upnp_harness();
  h.source.add({kLoopback, ssdp.port(), Transport::udp});
  h.run_to_end();
  EXPECT_EQ(to_string(h.only_record().status), "protocol-error");
  EXPECT_EQ(h.only_record().error, "upnp description over 65536 bytes");
}

TEST(UpnpProbe, UnreachableDescriptionStillRecordsTheDevice) {
  std::uint16_t closed = 0;
  {
    LoopbackServer gone([](int, const std::atomic<bool>&) {}, 1, false);
    closed = gone.port();
  }
  const std::string location = "http://192.168.1.1:" + std::to_string(closed) + "/d.xml";
  LoopbackUdpServer ssdp([&](const std::string&) { return std::vector<std::string>{ssdp_answer(location)}; });
  GrabHarness h = upnp_harness();
  h.source.add({kLoopback, ssdp.port(), Transport::udp});
  h.run_to_end();
  const GrabRecord& r = h.only_record();
  EXPECT_EQ(to_string(r.status), "success");
  EXPECT_FALSE(r.data.at("description").at("fetched").as_bool());
  EXPECT_NE(r.data.at("description").at("error").as_string().find("refused"), std::string::npos);
}

TEST(UpnpProbe, HttpsOrMissingLocation) {
  LoopbackUdpServer ssdp([&](const std::string&) {
    return std::vector<std::string>{"HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\nLOCATION: https://h/d.xml\r\n\r\n"};
  });
  GrabHarness h = upnp_harness();
  h.source.add({kLoopback, ssdp.port(), Transport::udp});
  h.run_to_end();
  EXPECT_EQ(to_string(h.only_record().status), "success");
  EXPECT_FALSE(h.only_record().data.at("description").at("fetched").as_bool());

  LoopbackUdpServer bare([&](const std::string&) { return std::vector<std::string>{"HTTP/1.1 200 OK\r\n\r\n"}; });
  GrabHarness h2 = upnp_harness();
  h2.source.add({kLoopback, bare.port(), Transport::udp});
  h2.run_to_end();
  EXPECT_EQ(to_string(h2.only_record().status), "success");
  EXPECT_FALSE(h2.only_record().data.contains("description"));
}

TEST(UpnpProbe, EndlessNotifiesAreAnIoErrorNotAHang) {
  LoopbackUdpServer ssdp([&](const std::string&) {
    return std::vector<std::string>(100, "NOTIFY * HTTP/1.1\r\nNTS: ssdp:alive\r\n\r\n");
  });
  GrabHarness h = upnp_harness();
  h.source.add({kLoopback, ssdp.port(), Transport::udp});
  h.run_to_end();
  EXPECT_NE(to_string(h.only_record().status), "success");
  EXPECT_FALSE(h.only_record().data.contains("ssdp"));
}

TEST(UpnpProbe, SilenceIsAnIoTimeout) {
  LoopbackUdpServer ssdp([](const std::string&) { return std::vector<std::string>{}; });
  GrabHarness h = upnp_harness();
  h.source.add({kLoopback, ssdp.port(), Transport::udp});
  h.run_to_end();
  EXPECT_EQ(to_string(h.only_record().status), "io-timeout");
  EXPECT_EQ(ssdp.datagrams(), 2) << "the search and one resend";
}

}  // namespace
}  // namespace fumidai::scanner
