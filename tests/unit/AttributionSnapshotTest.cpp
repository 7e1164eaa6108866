// The in-memory attribution: most specific prefix wins, the fallback order the
// header promises, IPv6, and parse_prefix's errors.
#include "fumidai/db/AttributionSnapshot.h"

#include <gtest/gtest.h>

namespace fumidai::db {
namespace {

IpPrefix prefix(std::string_view text) {
  auto parsed = parse_prefix(text);
  EXPECT_TRUE(parsed) << text << ": " << (parsed ? "" : parsed.error().message);
  return parsed ? *parsed : IpPrefix{};
}

boost::asio::ip::address ip(const char* text) { return boost::asio::ip::make_address(text); }

TEST(AttributionSnapshot, EmptyAttributesNothing) {
  const AttributionSnapshot snapshot;
  const auto a = snapshot.lookup(ip("198.18.1.1"));
  EXPECT_FALSE(a.asn);
  EXPECT_TRUE(a.org_id.empty());
  EXPECT_TRUE(a.country.empty());
  EXPECT_TRUE(snapshot.imports().empty());
}

TEST(AttributionSnapshot, MostSpecificPrefixWins) {
  AttributionSnapshot snapshot;
  // Inserted out of order: the order must not matter.
  snapshot.add_origin(prefix("198.18.32.0/20"), 64498, "");
  snapshot.add_origin(prefix("198.18.0.0/16"), 64496, "");
  snapshot.add_origin(prefix("198.18.0.0/18"), 64497, "");
  snapshot.add_origin(prefix("198.18.40.7/32"), 64499, "");
  EXPECT_EQ(snapshot.lookup(ip("198.18.200.1")).asn, 64496);
  EXPECT_EQ(snapshot.lookup(ip("198.18.1.1")).asn, 64497);
  EXPECT_EQ(snapshot.lookup(ip("198.18.33.1")).asn, 64498);
  EXPECT_EQ(snapshot.lookup(ip("198.18.40.7")).asn, 64499);
  EXPECT_EQ(snapshot.lookup(ip("198.18.40.8")).asn, 64498);
  EXPECT_FALSE(snapshot.lookup(ip("198.19.0.1")).asn);
  // The edges of each prefix.
  EXPECT_EQ(snapshot.lookup(ip("198.18.63.255")).asn, 64497);
  EXPECT_EQ(snapshot.lookup(ip("198.18.64.0")).asn, 64496);
  EXPECT_EQ(snapshot.lookup(ip("198.18.47.255")).asn, 64498);
  EXPECT_EQ(snapshot.lookup(ip("198.18.48.0")).asn, 64497);
}

TEST(AttributionSnapshot, DefaultRouteAndLaterEntriesReplace) {
  AttributionSnapshot snapshot;
  snapshot.add_origin(prefix("0.0.0.0/0"), 64500, "");
  snapshot.add_origin(prefix("192.0.2.0/24"), 64501, "");
  snapshot.add_origin(prefix("192.0.2.0/24"), 64502, "");
  EXPECT_EQ(snapshot.lookup(ip("8.8.8.8")).asn, 64500);
  EXPECT_EQ(snapshot.lookup(ip("192.0.2.9")).asn, 64502);
  EXPECT_FALSE(snapshot.lookup(ip("2001:db8::1")).asn);  // v4's default route is not v6's
}

TEST(AttributionSnapshot, Ipv6AndMappedAddresses) {
  AttributionSnapshot snapshot;
  snapshot.add_origin(prefix("2001:db8::/32"), 64496, "");
  snapshot.add_origin(prefix("2001:db8:1::/48"), 64497, "");
  snapshot.add_origin(prefix("2001:db8:1:2:3::/80"), 64498, "");
  snapshot.add_origin(prefix("2001:db8:1:2:3:4:5:6/128"), 64499, "");
  snapshot.add_origin(prefix("198.18.0.0/15"), 64500, "");
  EXPECT_EQ(snapshot.lookup(ip("2001:db8:ffff::1")).asn, 64496);
  EXPECT_EQ(snapshot.lookup(ip("2001:db8:1:ffff::1")).asn, 64497);
  EXPECT_EQ(snapshot.lookup(ip("2001:db8:1:2:3:ffff::1")).asn, 64498);
  EXPECT_EQ(snapshot.lookup(ip("2001:db8:1:2:3:4:5:6")).asn, 64499);
  EXPECT_EQ(snapshot.lookup(ip("2001:db8:1:2:3:4:5:7")).asn, 64498);
  EXPECT_FALSE(snapshot.lookup(ip("2001:db9::1")).asn);
  EXPECT_EQ(snapshot.lookup(ip("::ffff:198.19.0.20")).asn, 64500);
}

TEST(AttributionSnapshot, FallbackOrder) {
  AttributionSnapshot snapshot;
  // pfx2as knows 198.18.0.0/16; GeoLite2 knows that and 203.0.113.0/24, more specifically too.
  snapshot.add_origin(prefix("198.18.0.0/16"), 64496, "");
  snapshot.add_fallback_origin(prefix("198.18.0.0/24"), 64510, "Geo Name Of 64510");
  snapshot.add_fallback_origin(prefix("203.0.113.0/24"), 64511, "Eleven Networks");
  snapshot.add_fallback_origin(prefix("198.51.100.0/24"), 64496, "Geo Name Of 64496");
  snapshot.add_as_org(64496, "ORG-A", "Alpha Net", "JP");
  snapshot.add_country(prefix("198.18.0.0/17"), "KR");

  // pfx2as over GeoLite2 even when GeoLite2's prefix is more specific; the
  // delegated country over the organisation's.
  const auto a = snapshot.lookup(ip("198.18.0.1"));
  EXPECT_EQ(a.asn, 64496);
  EXPECT_EQ(a.org_id, "ORG-A");
  EXPECT_EQ(a.org_name, "Alpha Net");
  EXPECT_EQ(a.country, "KR");
  // Outside the delegated block: the organisation's country.
  EXPECT_EQ(snapshot.lookup(ip("198.18.200.1")).country, "JP");
  // GeoLite2 only, no AS2Org entry: the AS name under "AS<asn>", no country.
  const auto geo = snapshot.lookup(ip("203.0.113.5"));
  EXPECT_EQ(geo.asn, 64511);
  EXPECT_EQ(geo.org_id, "AS64511");
  EXPECT_EQ(geo.org_name, "Eleven Networks");
  EXPECT_TRUE(geo.country.empty());
  // An AS with neither: the ASN alone.
  AttributionSnapshot bare;
  bare.add_origin(prefix("192.0.2.0/24"), 64505, "");
  const auto b = bare.lookup(ip("192.0.2.1"));
  EXPECT_EQ(b.asn, 64505);
  EXPECT_TRUE(b.org_id.empty());
  EXPECT_TRUE(b.org_name.empty());
  // A country without any origin.
  AttributionSnapshot countries;
  countries.add_country(prefix("2001:db8::/32"), "DE");
  const auto c = countries.lookup(ip("2001:db8::1"));
  EXPECT_FALSE(c.asn);
  EXPECT_EQ(c.country, "DE");
}

TEST(AttributionSnapshot, OriginsOwnNameBeatsGeoLite2s) {
  AttributionSnapshot snapshot;
  snapshot.add_origin(prefix("192.0.2.0/24"), 64505, "Own Name");
  snapshot.add_fallback_origin(prefix("192.0.2.0/24"), 64505, "Geo Name");
  EXPECT_EQ(snapshot.lookup(ip("192.0.2.1")).org_name, "Own Name");
}

TEST(AttributionSnapshot, MovesKeepTheTables) {
  AttributionSnapshot snapshot;
  snapshot.add_origin(prefix("192.0.2.0/24"), 64505, "");
  AttributionSnapshot moved(std::move(snapshot));
  EXPECT_EQ(moved.lookup(ip("192.0.2.1")).asn, 64505);
}

TEST(ParsePrefix, AcceptsCidrsAndBareAddresses) {
  auto v4 = parse_prefix("192.0.2.0/24");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->network.to_string(), "192.0.2.0");
  EXPECT_EQ(v4->length, 24u);
  auto host = parse_prefix("192.0.2.7");
  ASSERT_TRUE(host);
  EXPECT_EQ(host->length, 32u);
  auto v6 = parse_prefix("2001:db8::/32");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->network.is_v6());
  EXPECT_EQ(v6->length, 32u);
  auto v6host = parse_prefix("2001:db8::1");
  ASSERT_TRUE(v6host);
  EXPECT_EQ(v6host->length, 128u);
  EXPECT_TRUE(parse_prefix("0.0.0.0/0"));
  EXPECT_TRUE(parse_prefix("::/0"));
  EXPECT_TRUE(parse_prefix("2001:db8::8000/113"));
}

TEST(ParsePrefix, RejectsWithAReason) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "empty"},
      {"192.0.2.1/24", "host bits"},
      {"2001:db8::1/64", "host bits"},
      {"2001:db8::8000/112", "host bits"},
      {"0.0.0.1/0", "host bits"},
      {"192.0.2.0/33", "length"},
      {"2001:db8::/129", "length"},
      {"192.0.2.0/", "length"},
      {"192.0.2.0/-1", "length"},
      {"192.0.2.0/+24", "length"},
      {"192.0.2.0/24x", "length"},
      {"192.0.2.0/0024", "length"},
      {"192.0.2/24", "not an IP address"},
      {"192.0.2.256/32", "not an IP address"},
      {"example.net", "not an IP address"},
      {" 192.0.2.0/24", "not an IP address"},
      {"fe80::1%eth0/128", "scope"},
      {"1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa:bbbb:cccc:dddd:eeee/128", "longer than"},
  };
  for (const auto& [text, reason] : cases) {
    auto parsed = parse_prefix(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().kind, Error::Kind::invalid_input);
    EXPECT_NE(parsed.error().message.find(reason), std::string::npos) << text << ": " << parsed.error().message;
  }
}

}  // namespace
}  // namespace fumidai::db
