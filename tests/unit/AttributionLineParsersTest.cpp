// The attribution line parsers and the field checks they share: real lines
// of each format, and the bad lines each must refuse with a reason.
#include <gtest/gtest.h>

#include "fumidai/db/AbuseLineParser.h"
#include "fumidai/db/As2OrgLineParser.h"
#include "fumidai/db/AttributionFields.h"
#include "fumidai/db/DelegatedLineParser.h"
#include "fumidai/db/GeoLite2AsnLineParser.h"
#include "fumidai/db/Pfx2asLineParser.h"

namespace fumidai::db {
namespace {

using std::chrono::year_month_day;

year_month_day ymd(int y, unsigned m, unsigned d) {
  return year_month_day{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
}

template <class T>
void expect_error(const Result<T>& result, std::string_view reason, std::string_view line) {
  ASSERT_FALSE(result) << "accepted: " << line;
  EXPECT_EQ(result.error().kind, Error::Kind::invalid_input);
  EXPECT_NE(result.error().message.find(reason), std::string::npos)
      << line << " -> " << result.error().message << " (wanted " << reason << ")";
  EXPECT_EQ(result.error().message.find('\n'), std::string::npos);
}

TEST(AttributionFields, Asn) {
  EXPECT_EQ(*parse_asn("64496"), 64496);
  EXPECT_EQ(*parse_asn("1"), 1);
  EXPECT_EQ(*parse_asn("4294967295"), 4294967295);
  EXPECT_EQ(*parse_asn("AS64496", true), 64496);
  EXPECT_EQ(*parse_asn("as64496", true), 64496);
  expect_error(parse_asn("0"), "out of range", "0");
  expect_error(parse_asn("4294967296"), "out of range", "2^32");
  expect_error(parse_asn("99999999999"), "bad AS number", "11 digits");
  expect_error(parse_asn("AS64496"), "bad AS number", "AS without as_prefix");
  expect_error(parse_asn("AS", true), "bad AS number", "AS");
  expect_error(parse_asn("064496"), "bad AS number", "leading zero");
  expect_error(parse_asn("-1"), "bad AS number", "-1");
  expect_error(parse_asn(""), "bad AS number", "empty");
  expect_error(parse_asn("1.10"), "bad AS number", "asdot");
}

TEST(AttributionFields, Dates) {
  EXPECT_EQ(*parse_compact_date("20240229"), ymd(2024, 2, 29));
  EXPECT_EQ(*parse_iso_date("2024-02-29"), ymd(2024, 2, 29));
  EXPECT_EQ(format_date(ymd(2024, 1, 5)), "2024-01-05");
  for (const char* bad : {"20230229", "20241301", "20240100", "2024010", "2024-01-01", "1969123x", "19691231"}) {
    expect_error(parse_compact_date(bad), "bad date", bad);
  }
  for (const char* bad : {"2023-02-29", "2024-1-01", "20240101", "2024-01-32", "2024/01/01", ""}) {
    expect_error(parse_iso_date(bad), "bad date", bad);
  }
}

TEST(AttributionFields, CountryTextAndEmail) {
  EXPECT_EQ(*parse_country("jp"), "JP");
  EXPECT_EQ(*parse_country("EU"), "EU");
  for (const char* bad : {"", "J", "JPN", "J1", "*"}) expect_error(parse_country(bad), "bad country code", bad);

  EXPECT_TRUE(check_text("株式会社 Example", "name", 64));
  expect_error(check_text("a\x01z", "name", 64), "control character", "SOH");
  expect_error(check_text("a\x7fz", "name", 64), "control character", "DEL");
  expect_error(check_text("\xc3\x28", "name", 64), "not valid UTF-8", "bad continuation");
  expect_error(check_text("\xc0\xaf", "name", 64), "not valid UTF-8", "overlong");
  expect_error(check_text("\xed\xa0\x80", "name", 64), "not valid UTF-8", "surrogate");
  expect_error(check_text("\xe3\x81", "name", 64), "not valid UTF-8", "truncated");
  expect_error(check_text(std::string(65, 'a'), "name", 64), "longer than 64", "long");

  for (const char* good : {"abuse@example.net", "noc+abuse@mail.example.jp", "a.b@x-y.example"}) {
    EXPECT_TRUE(check_email(good)) << good;
  }
  for (const char* bad : {"", "abuse", "abuse@", "@example.net", "a@@example.net", "a@b@example.net",
                          "abuse@localhost", "ab use@example.net", "abuse@example..net", "abuse@-example.net",
                          "abuse@example.net\r", "abuse@example.net\nBcc: x@example.net", ".a@example.net",
                          "a..b@example.net", "\"a\"@example.net", "a,b@example.net"}) {
    expect_error(check_email(bad), "bad email address", bad);
  }
  expect_error(check_email(std::string(250, 'a') + "@example.net"), "longer than 254", "long");
}

TEST(AttributionFields, Splitting) {
  auto fields = split_fields("a|b||c", '|', 4);
  ASSERT_TRUE(fields);
  EXPECT_EQ(fields->size(), 4u);
  EXPECT_EQ((*fields)[2], "");
  expect_error(split_fields("a|b|c", '|', 2), "more than 2", "three fields");

  auto csv = split_csv_line(R"(1.0.0.0/24,13335,"Cloudflare, Inc. ""CF""")", 3);
  ASSERT_TRUE(csv);
  ASSERT_EQ(csv->size(), 3u);
  EXPECT_EQ((*csv)[2], R"(Cloudflare, Inc. "CF")");
  auto empty_last = split_csv_line("a,b,", 3);
  ASSERT_TRUE(empty_last);
  EXPECT_EQ(empty_last->size(), 3u);
  expect_error(split_csv_line(R"(a,"b)", 3), "does not end", "open quote");
  expect_error(split_csv_line(R"(a,"b"c)", 3), "text after", "text after quote");
  expect_error(split_csv_line(R"(a,b"c)", 3), "quote inside", "bare quote");
  expect_error(split_csv_line("a,b,c,d", 3), "more than 3", "four fields");
}

TEST(Pfx2asLineParser, ParsesOriginsAndSets) {
  const Pfx2asLineParser parser;
  auto simple = parser.parse("198.18.0.0\t16\t64496");
  ASSERT_TRUE(simple && *simple);
  EXPECT_EQ(format_prefix((*simple)->prefix), "198.18.0.0/16");
  EXPECT_EQ((*simple)->asns, std::vector<std::int64_t>{64496});
  auto multi = parser.parse("2001:db8::\t32\t64496_64497,64498_64496");
  ASSERT_TRUE(multi && *multi);
  EXPECT_EQ((*multi)->asns, (std::vector<std::int64_t>{64496, 64497, 64498}));
  EXPECT_EQ(format_prefix((*multi)->prefix), "2001:db8::/32");
  for (const char* none : {"", "# comment"}) {
    auto skipped = parser.parse(none);
    ASSERT_TRUE(skipped);
    EXPECT_FALSE(*skipped);
  }
}

TEST(Pfx2asLineParser, RefusesBadLines) {
  const Pfx2asLineParser parser;
  const std::pair<const char*, const char*> cases[] = {
      {"198.18.0.0 16 64496", "expected prefix"},
      {"198.18.0.0\t16", "expected prefix"},
      {"198.18.0.0\t16\t64496\textra", "more than 3"},
      {"198.18.0.1\t16\t64496", "host bits"},
      {"198.18.0.0\t33\t64496", "length"},
      {"198.18.0.0/16\t16\t64496", "bad prefix"},
      {"198.18.0.0\t\t64496", "bad prefix"},
      {"not-an-ip\t16\t64496", "not an IP address"},
      {"198.18.0.0\t16\t0", "out of range"},
      {"198.18.0.0\t16\t4294967296", "out of range"},
      {"198.18.0.0\t16\t64496_", "bad AS number"},
      {"198.18.0.0\t16\tAS64496", "bad AS number"},
      {"198.18.0.0\t16\t", "bad AS number"},
  };
  for (const auto& [line, reason] : cases) expect_error(parser.parse(line), reason, line);
  std::string many = "198.18.0.0\t16\t1";
  for (int i = 2; i <= 70; ++i) many += "_" + std::to_string(i);
  expect_error(parser.parse(many), "more than 64 origin", "70 origins");
}

TEST(As2OrgLineParser, ReadsBothSections) {
  As2OrgLineParser parser;
  const char* lines[] = {
      "# name: AS Org",
      "# some other comment",
      "# format:org_id|changed|org_name|country|source",
      "ORG-SAKURA-JPNIC|20240101|Sakura Hikari | Fiber K.K.|JP|JPNIC",
      "ORG-EMPTY|||| ARIN",
      "# format:aut|changed|aut_name|org_id|opaque_id|source",
      "64496|20231215|SAKURA-NET|ORG-SAKURA-JPNIC|abc_JPNIC|JPNIC",
      "64497|||ORG-EMPTY|x|APNIC",
  };
  std::vector<As2OrgRecord> records;
  for (const char* line : lines) {
    auto parsed = parser.parse(line);
    ASSERT_TRUE(parsed) << line << ": " << parsed.error().message;
    if (*parsed) records.push_back(**parsed);
  }
  ASSERT_EQ(records.size(), 4u);
  const auto& org = std::get<As2OrgOrganization>(records[0]);
  EXPECT_EQ(org.org_id, "ORG-SAKURA-JPNIC");
  EXPECT_EQ(org.changed, ymd(2024, 1, 1));
  EXPECT_EQ(org.name, "Sakura Hikari | Fiber K.K.");  // a '|' inside the name
  EXPECT_EQ(org.country, "JP");
  EXPECT_EQ(org.source, "JPNIC");
  const auto& empty = std::get<As2OrgOrganization>(records[1]);
  EXPECT_FALSE(empty.changed);
  EXPECT_TRUE(empty.country.empty());
  const auto& as = std::get<As2OrgAs>(records[2]);
  EXPECT_EQ(as.asn, 64496);
  EXPECT_EQ(as.name, "SAKURA-NET");
  EXPECT_EQ(as.org_id, "ORG-SAKURA-JPNIC");
  EXPECT_EQ(as.changed, ymd(2023, 12, 15));
}

TEST(As2OrgLineParser, RefusesBadLines) {
  {
    As2OrgLineParser parser;
    expect_error(parser.parse("ORG-A|20240101|A|JP|ARIN"), "before any '# format:'", "no section");
    expect_error(parser.parse("# format:id|name"), "unknown section format", "unknown format");
  }
  As2OrgLineParser orgs;
  ASSERT_TRUE(orgs.parse("# format:org_id|changed|org_name|country|source"));
  const std::pair<const char*, const char*> org_cases[] = {
      {"ORG-A|20240101|A|JP", "expected 5"},
      {"|20240101|A|JP|ARIN", "empty org_id"},
      {"ORG-A|2024-01-01|A|JP|ARIN", "bad date"},
      {"ORG-A|20240230|A|JP|ARIN", "bad date"},
      {"ORG-A|20240101|A|JPN|ARIN", "bad country code"},
      {"ORG-A|20240101|A\x01|JP|ARIN", "control character"},
      {"ORG-A|20240101|\xff|JP|ARIN", "not valid UTF-8"},
  };
  for (const auto& [line, reason] : org_cases) expect_error(orgs.parse(line), reason, line);
  As2OrgLineParser ases;
  ASSERT_TRUE(ases.parse("#format: aut|changed|aut_name|org_id|opaque_id|source"));
  const std::pair<const char*, const char*> as_cases[] = {
      {"64496|20240101|N|ORG-A|x", "expected 6"},
      {"0|20240101|N|ORG-A|x|ARIN", "out of range"},
      {"AS64496|20240101|N|ORG-A|x|ARIN", "bad AS number"},
      {"64496|20240101|N||x|ARIN", "empty org_id"},
  };
  for (const auto& [line, reason] : as_cases) expect_error(ases.parse(line), reason, line);
}

TEST(DelegatedLineParser, SplitsIpv4RangesIntoCidrs) {
  const auto cidrs = [](std::uint32_t first, std::uint64_t count) {
    std::vector<std::string> out;
    for (const auto& p : ipv4_range_cidrs(first, count)) out.push_back(format_prefix(p));
    return out;
  };
  EXPECT_EQ(cidrs(0xC6120000, 65536), std::vector<std::string>{"198.18.0.0/16"});
  // 768 addresses from 198.18.0.0: a /23 and a /24.
  EXPECT_EQ(cidrs(0xC6120000, 768), (std::vector<std::string>{"198.18.0.0/23", "198.18.2.0/24"}));
  // Unaligned start: 198.18.1.0 + 1024 = /24, /23, /24.
  EXPECT_EQ(cidrs(0xC6120100, 1024), (std::vector<std::string>{"198.18.1.0/24", "198.18.2.0/23", "198.18.4.0/24"}));
  EXPECT_EQ(cidrs(0, std::uint64_t{1} << 32), std::vector<std::string>{"0.0.0.0/0"});
  EXPECT_EQ(cidrs(0xFFFFFFFF, 1), std::vector<std::string>{"255.255.255.255/32"});
  EXPECT_EQ(ipv4_range_cidrs(1, (std::uint64_t{1} << 32) - 1).size(), 32u);
}

TEST(DelegatedLineParser, ParsesRecordsAndSkipsTheRest) {
  const DelegatedLineParser parser;
  for (const char* none : {"2.3|apnic|20240101|69742|19830613|20231229|+1000", "apnic|*|ipv4|*|45000|summary",
                           "apnic|*|asn|*|12000|summary", "# comment", "",
                           "apnic|JP|asn|64496|1|20020801|allocated|A9",
                           "apnic||ipv4|198.18.0.0|256||available|", "arin|ZZ|ipv4|198.18.0.0|256||reserved|"}) {
    auto parsed = parser.parse(none);
    ASSERT_TRUE(parsed) << none << ": " << parsed.error().message;
    EXPECT_FALSE(*parsed) << none;
  }
  auto v4 = parser.parse("apnic|jp|ipv4|198.18.0.0|768|20100101|allocated|A91D4BB9");
  ASSERT_TRUE(v4 && *v4);
  EXPECT_EQ((*v4)->registry, "apnic");
  EXPECT_EQ((*v4)->country, "JP");
  EXPECT_EQ((*v4)->status, "allocated");
  EXPECT_EQ((*v4)->date, ymd(2010, 1, 1));
  ASSERT_EQ((*v4)->prefixes.size(), 2u);
  EXPECT_EQ(format_prefix((*v4)->prefixes[1]), "198.18.2.0/24");
  auto v6 = parser.parse("ripencc|DE|ipv6|2001:db8::|32|00000000|assigned");
  ASSERT_TRUE(v6 && *v6);
  EXPECT_EQ(format_prefix((*v6)->prefixes.at(0)), "2001:db8::/32");
  EXPECT_FALSE((*v6)->date);
}

TEST(DelegatedLineParser, RefusesBadLines) {
  const DelegatedLineParser parser;
  const std::pair<const char*, const char*> cases[] = {
      {"apnic|JP|ipv4|198.18.0.0|256|20100101", "expected registry"},
      {"APNIC|JP|ipv4|198.18.0.0|256|20100101|allocated", "bad registry"},
      {"apnic|JP|ipv5|198.18.0.0|256|20100101|allocated", "unknown type"},
      {"apnic|JP|ipv4|198.18.0.0|256|20100101|stolen", "unknown status"},
      {"apnic|JPN|ipv4|198.18.0.0|256|20100101|allocated", "bad country code"},
      {"apnic||ipv4|198.18.0.0|256|20100101|assigned", "bad country code"},
      {"apnic|JP|ipv4|198.18.0.0|256|20101301|allocated", "bad date"},
      {"apnic|JP|ipv4|198.18.0.0|0|20100101|allocated", "does not fit"},
      {"apnic|JP|ipv4|255.255.255.0|257|20100101|allocated", "does not fit"},
      {"apnic|JP|ipv4|198.18.0.0|-1|20100101|allocated", "bad address count"},
      {"apnic|JP|ipv4|198.18.0|256|20100101|allocated", "bad IPv4 start"},
      {"apnic|JP|ipv4|2001:db8::|256|20100101|allocated", "bad IPv4 start"},
      {"apnic|JP|ipv6|2001:db8::1|32|20100101|allocated", "host bits"},
      {"apnic|JP|ipv6|2001:db8::|129|20100101|allocated", "bad prefix length"},
      {"apnic|JP|ipv6|198.18.0.0|16|20100101|allocated", "IPv4 start"},
      {"2.3|apnic|20240101", "version line"},
  };
  for (const auto& [line, reason] : cases) expect_error(parser.parse(line), reason, line);
}

TEST(GeoLite2AsnLineParser, HeaderThenRows) {
  GeoLite2AsnLineParser parser;
  expect_error(GeoLite2AsnLineParser().parse("1.0.0.0/24,13335,x"), "header", "no header");
  ASSERT_TRUE(parser.parse(GeoLite2AsnLineParser::header));
  auto row = parser.parse(R"(198.18.0.0/18,64497,"Sakura Hikari, K.K.")");
  ASSERT_TRUE(row && *row);
  EXPECT_EQ(format_prefix((*row)->network), "198.18.0.0/18");
  EXPECT_EQ((*row)->asn, 64497);
  EXPECT_EQ((*row)->organization, "Sakura Hikari, K.K.");
  auto unnamed = parser.parse("2001:db8::/32,64500,");
  ASSERT_TRUE(unnamed && *unnamed);
  EXPECT_TRUE((*unnamed)->organization.empty());
  const std::pair<const char*, const char*> cases[] = {
      {"198.18.0.0/18,64497", "expected network"},
      {"198.18.0.1/18,64497,x", "host bits"},
      {"198.18.0.0/18,0,x", "out of range"},
      {"198.18.0.0/18,AS64497,x", "bad AS number"},
      {"198.18.0.0/18,64497,\"x", "does not end"},
      {"198.18.0.0/18,64497,x,y", "more than 3"},
  };
  for (const auto& [line, reason] : cases) expect_error(parser.parse(line), reason, line);
}

TEST(AbuseLineParser, HeaderThenRows) {
  AbuseLineParser parser;
  expect_error(AbuseLineParser().parse("AS64496,abuse@example.net,rdap,2024-01-01"), "header", "no header");
  ASSERT_TRUE(parser.parse(AbuseLineParser::header));
  auto by_prefix = parser.parse("198.18.0.0/18,abuse@sakura.example.jp,rdap.apnic.net,2024-01-02");
  ASSERT_TRUE(by_prefix && *by_prefix);
  EXPECT_EQ(format_prefix(*(*by_prefix)->prefix), "198.18.0.0/18");
  EXPECT_FALSE((*by_prefix)->asn);
  EXPECT_EQ((*by_prefix)->updated, ymd(2024, 1, 2));
  for (const char* line : {"AS64496,noc@example.net,manual,", "64496,noc@example.net,manual,2024-01-01",
                           "\"as64496\",\"noc@example.net\",\"manual\",\"2024-01-01\""}) {
    auto by_as = parser.parse(line);
    ASSERT_TRUE(by_as && *by_as) << line;
    EXPECT_EQ((*by_as)->asn, 64496);
    EXPECT_FALSE((*by_as)->prefix);
  }
  auto host = parser.parse("2001:db8::1,abuse@example.net,manual,");
  ASSERT_TRUE(host && *host);
  EXPECT_EQ((*host)->prefix->length, 128u);
  const std::pair<const char*, const char*> cases[] = {
      {"AS0,abuse@example.net,rdap,2024-01-01", "out of range"},
      {"ASX,abuse@example.net,rdap,2024-01-01", "bad AS number"},
      {"198.18.0.1/16,abuse@example.net,rdap,2024-01-01", "host bits"},
      {"example.net,abuse@example.net,rdap,2024-01-01", "not an IP address"},
      {"AS64496,abuse,rdap,2024-01-01", "bad email"},
      {"AS64496,\"abuse@example.net\r\nX: y\",rdap,2024-01-01", "bad email"},
      {"AS64496,abuse@example.net,,2024-01-01", "empty source"},
      {"AS64496,abuse@example.net,rdap,20240101", "bad date"},
      {"AS64496,abuse@example.net,rdap", "expected prefix_or_asn"},
  };
  for (const auto& [line, reason] : cases) expect_error(parser.parse(line), reason, line);
}

}  // namespace
}  // namespace fumidai::db
