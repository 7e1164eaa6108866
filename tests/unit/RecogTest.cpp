// Recog's XML as a fingerprint source: the Ruby → PCRE2 translation, loading,
// Recog's matching semantics, the inputs we feed it, the fingerprints it
// gives, and bad input. Small inline databases only; the run over every
// example Recog ships is RecogExamplesTest.cpp.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/fingerprints/RecogDatabase.h"
#include "fumidai/fingerprints/RecogInputs.h"
#include "fumidai/fingerprints/RecogOutput.h"
#include "fumidai/fingerprints/RecogPrefilter.h"
#include "fumidai/fingerprints/RecogRegex.h"

using namespace fumidai::fingerprints;
using namespace std::string_literals;

namespace {

// The Ruby pattern, translated and compiled: does it match?
bool ruby_matches(std::string_view pattern, std::string_view subject, std::string_view flags = "") {
  auto t = RecogRegex::translate(pattern, flags);
  EXPECT_TRUE(t) << pattern << ": " << t.error().message;
  if (!t) return false;
  auto p = Pattern::compile(t->pattern, t->options);
  EXPECT_TRUE(p) << t->pattern << ": " << p.error().message;
  if (!p) return false;
  MatchScratch scratch;
  return p->match(subject, scratch) == MatchOutcome::matched;
}

std::string translated(std::string_view pattern, std::string_view flags = "") {
  auto t = RecogRegex::translate(pattern, flags);
  return t ? t->pattern : "!" + t.error().message;
}

// A database file in Recog's layout around the given <fingerprint> entries.
std::string recog_xml(std::string_view root_attributes, std::string_view fingerprints) {
  return "<?xml version='1.0' encoding='UTF-8'?>\n<fingerprints " + std::string(root_attributes) + ">\n" +
         "  <!-- a comment, as Recog's files have -->\n" + std::string(fingerprints) + "</fingerprints>\n";
}

constexpr std::string_view kServers = R"(
  <fingerprint pattern="^Generic$">
    <description>Generic - assert nothing</description>
    <example>Generic</example>
    <param pos="0" name="service.certainty" value="0.0"/>
  </fingerprint>
  <fingerprint pattern="^Boa/(\d+\.\d+)(?:\.(\d+))?$" flags="REG_ICASE">
    <description>
      Boa   web
      server
    </description>
    <example service.version="0.94" service.component="">Boa/0.94</example>
    <example _encoding="base64" service.version="0.93">Qm9h
      LzAuOTM=</example>
    <param pos="0" name="service.vendor" value="Boa"/>
    <param pos="0" name="service.product" value="Boa"/>
    <param pos="1" name="service.version"/>
    <param pos="2" name="service.component"/>
    <param pos="0" name="service.cpe23" value="cpe:/a:boa:boa:{service.version}"/>
  </fingerprint>
  <fingerprint pattern="^Router Webserver &quot;(\S+)&quot;$" certainty="0.8">
    <description>A router's own server</description>
    <example hw.product="AX10">Router Webserver "AX10"</example>
    <param pos="0" name="hw.vendor" value="Acme"/>
    <param pos="1" name="hw.product"/>
    <param pos="0" name="hw.device" value="Broadband Router"/>
    <param pos="0" name="hw.cpe23" value="cpe:/h:acme:{hw.product}:{hw.version}"/>
    <param pos="0" name="hw.note" value="{hw.model} at {hw.product}"/>
  </fingerprint>
  <fingerprint pattern="^Boa">
    <description>Boa, any</description>
    <example>Boa-ish</example>
    <param pos="0" name="service.product" value="Boa"/>
  </fingerprint>
)";

RecogDatabase load_one(std::string name, std::string xml) {
  auto db = RecogDatabase::load({{std::move(name), std::move(xml)}});
  EXPECT_TRUE(db) << db.error().message;
  return std::move(*db);
}

std::string load_error(std::string_view xml) {
  auto db = RecogDatabase::load({{"bad.xml", std::string(xml)}});
  return db ? "(loaded)" : db.error().message;
}

std::string attribute(const Fingerprint& fp, std::string_view key) {
  for (const auto& [k, v] : fp.attributes)
    if (k == key) return v;
  return "(none)";
}

}  // namespace

// ---- RecogRegex --------------------------------------------------------------

TEST(RecogRegex, FlagsAsRecogMapsThem) {
  auto plain = RecogRegex::translate("^a", "");
  ASSERT_TRUE(plain);
  EXPECT_TRUE(plain->options.multiline);  // Ruby's ^ and $ are line anchors, always
  EXPECT_FALSE(plain->options.caseless);
  EXPECT_FALSE(plain->options.dotall);
  EXPECT_EQ(plain->pattern, "(*LF)^a");
  auto icase = RecogRegex::translate("a", "REG_ICASE");
  ASSERT_TRUE(icase);
  EXPECT_TRUE(icase->options.caseless);
  for (const char* flag : {"REG_MULTILINE", "REG_DOT_NEWLINE", "REG_LINE_ANY_CRLF", "REG_ICASE,REG_DOT_NEWLINE"}) {
    auto t = RecogRegex::translate("a", flag);
    ASSERT_TRUE(t) << flag;
    EXPECT_TRUE(t->options.dotall) << flag;
  }
  auto bad = RecogRegex::translate("a", "REG_ICASE,REG_EXTENDED");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("REG_EXTENDED"), std::string::npos) << bad.error().message;
  EXPECT_FALSE(RecogRegex::translate("a", "REG_ICASE, REG_MULTILINE"));  // Recog splits on ',' only
}

TEST(RecogRegex, RubyOnlySyntaxIsRewritten) {
  EXPECT_EQ(translated(R"(^\h+$)"), R"((*LF)^[0-9a-fA-F]+$)");
  EXPECT_EQ(translated(R"([\h_]\H)"), R"((*LF)[0-9a-fA-F_][^0-9a-fA-F])");
  EXPECT_EQ(translated(R"([^\H])"), R"((*LF)[^[:^xdigit:]])");
  EXPECT_EQ(translated(R"(\x04\v)"), R"((*LF)\x04\x0B)");
  EXPECT_EQ(translated(R"((?m:a.*b)(?im)c(?-m)d)"), R"((*LF)(?s:a.*b)(?is)c(?-s)d)");
  EXPECT_EQ(translated(R"(a{,3}b{2,}c{1,2}d{,})"), R"((*LF)a{0,3}b{2,}c{1,2}d{,})");
  EXPECT_EQ(translated("caf\xC3\xA9+"), "(*LF)caf(?:\xC3\xA9)+");
  EXPECT_EQ(translated(R"(\u00e9?\u{263a}\u0041*)"), R"((*LF)(?:\xC3\xA9)?\xE2\x98\xBA\x41*)");
  EXPECT_EQ(translated(R"(^(?<name>\w+) (\d+)$)"), R"((*LF)^(?<name>\w+) (?:\d+)$)");
  EXPECT_EQ(translated(R"((ab){2}+c\d{3}+)"), R"((*LF)(?:(ab){2})+c(?:\d{3})+)");
  EXPECT_EQ(translated(R"(; (.+)* http (\S+)*x(?:[^ ]+)*([a]+)*?(\d+)*+(a+)*(\d*)*)"),
            R"((*LF); (.+)? http (\S+)?x(?:[^ ]+)?([a]+)*?(\d+)*+(a+)*(\d*)*)");
  const std::string dot = R"((?:[\xC2-\xDF][\x80-\xBF]|[\xE0-\xEF][\x80-\xBF]{2}|[\xF0-\xF4][\x80-\xBF]{3}|.))";
  EXPECT_EQ(translated("a.b.?c.{2}d.*e.+f.*?[.]"), "(*LF)a" + dot + "b" + dot + "?c.{2}d.*e.+f.*?[.]");
  // Already the same in PCRE2.
  for (const char* same : {R"(\A(?:\r|\n)*login:\s*$)", R"((?i)^djbdns[\s-](\d\.\d+)$)", R"(^a\z|b\Z|\Gc)",
                           R"((?<=x)y(?<!z)(?>w)a++b*+c?+)", R"((?i:vendorname1\x04.*Netscape))", R"(\k<n>\1\012)",
                           R"(x(?#comment)y)", R"(^\**(?:\r|\n)+\* Copyright)"})
    EXPECT_EQ(translated(same), "(*LF)"s + same) << same;
}

TEST(RecogRegex, SemanticsMatchRuby) {
  EXPECT_TRUE(ruby_matches("^foo$", "bar\nfoo\nbaz"));          // line anchors
  EXPECT_FALSE(ruby_matches(R"(\Afoo)", "bar\nfoo"));           // \A: the string's start only
  EXPECT_FALSE(ruby_matches("^a.b$", "a\nb"));                  // '.' stops at "\n" …
  EXPECT_TRUE(ruby_matches("^a.b$", "a\nb", "REG_MULTILINE"));  // … unless /m
  EXPECT_TRUE(ruby_matches("^a(?m:.)b$", "a\nb"));
  EXPECT_TRUE(ruby_matches("^a.b$", "a\rb"));      // "\r" is no newline in Ruby
  EXPECT_FALSE(ruby_matches("^abc$", "abc\r\n"));  // so $ does not match before it
  EXPECT_TRUE(ruby_matches(R"(^\h+$)", "00beEF"));
  EXPECT_FALSE(ruby_matches(R"(^\h+$)", "a b"));
  EXPECT_TRUE(ruby_matches(R"(^\v$)", "\v"));
  EXPECT_FALSE(ruby_matches(R"(^\v$)", "\n"));
  EXPECT_TRUE(ruby_matches("^BOA$", "boa", "REG_ICASE"));
  EXPECT_TRUE(ruby_matches("^caf\xC3\xA9+$", "caf\xC3\xA9\xC3\xA9"));
  EXPECT_TRUE(ruby_matches("^(?:ab){2}+$", "abababab"));
  // (.+)* as (.+)?: same match, same capture, no exponential backtracking.
  const std::string navieg = "foo.bar SMTP NAVIEG 2.0.1; Sun, 29 Jul 2001 22:02:16 -0500 http://www.symantec.com";
  EXPECT_TRUE(ruby_matches(R"(^([^ ]{1,512}) SMTP NAVIEG ([^ ]+\.[^ ]+\.[^ ]+); (.+)* http)", navieg));
  EXPECT_FALSE(ruby_matches(R"(^(?:.+)* http$)", std::string(40, 'a') + " ftp"));
  // '.' is one character of UTF-8 text, or one byte of binary data.
  EXPECT_TRUE(ruby_matches("^Sign in . GitLab$", "Sign in \xC2\xB7 GitLab"));
  EXPECT_TRUE(ruby_matches("^a..b$",
                           "a\xE3\x81\x82\xE3\x81\x84"
                           "b"));
  EXPECT_TRUE(ruby_matches("^a..b$",
                           "a\x84\x01"
                           "b"));
  EXPECT_TRUE(ruby_matches("^a.\\x80b$",
                           "a\xC2\x80"
                           "b"));  // backtracks to bytes
  EXPECT_FALSE(ruby_matches("^a.b$",
                            "a\xC2\xB7\xB7"
                            "b"));
  EXPECT_TRUE(ruby_matches("^a{,2}$", "aa"));
  EXPECT_FALSE(ruby_matches("^a{,2}$", "aaa"));
}

TEST(RecogRegex, ApproximationsAreNotedAndUnsupportedSyntaxIsRefused) {
  auto in_class = RecogRegex::translate("[\xC3\xA9x]", "");
  ASSERT_TRUE(in_class);
  ASSERT_EQ(in_class->notes.size(), 1u);
  EXPECT_NE(in_class->notes[0].find("non-ASCII"), std::string::npos);
  auto property = RecogRegex::translate(R"(\p{Alpha}+[[:alpha:]])", "");
  ASSERT_TRUE(property);
  EXPECT_EQ(property->notes.size(), 2u);
  auto caseless = RecogRegex::translate("h\xC3\xB4te", "REG_ICASE");
  ASSERT_TRUE(caseless);
  EXPECT_EQ(caseless->notes.size(), 1u);
  auto ascii = RecogRegex::translate(R"(^Apache/(\d)$)", "REG_ICASE");
  ASSERT_TRUE(ascii);
  EXPECT_TRUE(ascii->notes.empty());

  for (const char* refused : {"(?~abc)", "[a-z&&[^aeiou]]", "[a[b]]", R"(\M-a)", R"(\C-a)", R"(\u12)"}) {
    auto t = RecogRegex::translate(refused, "");
    EXPECT_FALSE(t) << refused;
  }
}

// ---- RecogPrefilter -------------------------------------------------------------

TEST(RecogPrefilter, ReadsLeadingLiterals) {
  using Prefixes = std::vector<std::string>;
  auto prefixes = [](std::string_view pattern, bool caseless = false) {
    return RecogPrefilter::from_pattern(pattern, caseless).prefixes();
  };
  EXPECT_EQ(prefixes(R"(^lighttpd/(\d[\d.]+)$)"), Prefixes{"lighttpd/"});
  EXPECT_EQ(prefixes(R"(^Apache(?:/([\d.]+))?)"), Prefixes{"Apache"});
  EXPECT_EQ(prefixes(R"(^\*\* Welcome\.)"), Prefixes{"** Welcome."});
  EXPECT_EQ(prefixes(R"(^(?:4297c1|e5af3b)$)"), (Prefixes{"4297c1", "e5af3b"}));
  EXPECT_EQ(prefixes(R"(^(Mini|Micro)_httpd (\S+))"), (Prefixes{"Mini", "Micro"}));
  EXPECT_EQ(prefixes(R"((?i)^DjbDNS[\s-])"), Prefixes{"djbdns"});
  EXPECT_EQ(prefixes(R"(^(?i)Cisco)"), Prefixes{"cisco"});
  EXPECT_EQ(prefixes(R"(^(?i:Cisco|IOS))"), (Prefixes{"cisco", "ios"}));
  EXPECT_EQ(prefixes("^BOA", true), Prefixes{"boa"});
  EXPECT_EQ(prefixes(R"(\AUser:)"), Prefixes{"User:"});
  // A character a quantifier may drop is not required; '+' keeps it.
  EXPECT_EQ(prefixes("^Boa/?0"), Prefixes{"Boa"});
  EXPECT_EQ(prefixes("^ab*c"), Prefixes{"a"});
  EXPECT_EQ(prefixes("^ab+c"), Prefixes{"ab"});
  EXPECT_EQ(prefixes("^caf\xC3\xA9"), Prefixes{"caf"});
  // Nothing to read: everything is admitted.
  for (const char* none : {"^a{2}", R"(^\d+)", "lighttpd", "^a|b", "^(?:a|)b", "^(?:a|b)?c", "(?x)^a b", "^(?=a)",
                           "^(?<v>a)", "^[ab]", "^.", "^(a"})
    EXPECT_TRUE(prefixes(none).empty()) << none;
}

TEST(RecogPrefilter, AdmitsLineStartsForCaretAndTheStartForA) {
  const auto caret = RecogPrefilter::from_pattern("^foo", false);
  EXPECT_TRUE(caret.admits("foo bar"));
  EXPECT_TRUE(caret.admits("x\nfoo"));
  EXPECT_FALSE(caret.admits("xfoo"));
  EXPECT_FALSE(caret.admits("fo"));
  EXPECT_FALSE(caret.admits("FOO"));
  const auto start = RecogPrefilter::from_pattern(R"(\Afoo)", false);
  EXPECT_TRUE(start.admits("foo"));
  EXPECT_FALSE(start.admits("x\nfoo"));
  const auto caseless = RecogPrefilter::from_pattern("^foo", true);
  EXPECT_TRUE(caseless.admits("FoO"));
  EXPECT_TRUE(RecogPrefilter::from_pattern("^a|b", false).admits("anything"));
}

// ---- Loading and Recog's semantics -------------------------------------------

TEST(RecogDatabase, LoadsAFile) {
  const RecogDatabase db = load_one("test_servers.xml", recog_xml(R"(matches="http_header.server" protocol="HTTP" )"
                                                                  R"(database_type="service" preference="0.90")",
                                                                  kServers));
  ASSERT_EQ(db.files().size(), 1u);
  const RecogFile& file = db.files()[0];
  EXPECT_EQ(file.name(), "test_servers.xml");
  EXPECT_EQ(file.stem(), "test_servers");
  EXPECT_EQ(file.match_key(), "http_header.server");
  EXPECT_EQ(file.protocol(), "http");  // lower case, as Recog uses it
  EXPECT_EQ(file.database_type(), "service");
  EXPECT_EQ(file.preference(), "0.90");
  ASSERT_EQ(db.fingerprint_count(), 4u);
  EXPECT_EQ(db.example_count(), 5u);
  EXPECT_EQ(db.matching_file_count(), 1u);
  const RecogFingerprint& boa = file.fingerprints()[1];
  EXPECT_EQ(boa.description(), "Boa web server");  // squeezed and stripped
  EXPECT_EQ(boa.pattern(), R"(^Boa/(\d+\.\d+)(?:\.(\d+))?$)");
  ASSERT_EQ(boa.examples().size(), 2u);
  EXPECT_EQ(boa.examples()[1].text, "Boa/0.93");  // base64, line break and all
  ASSERT_EQ(boa.examples()[0].expected.size(), 2u);
  EXPECT_EQ(boa.examples()[0].expected[0], (std::pair<std::string, std::string>{"service.version", "0.94"}));
  ASSERT_EQ(boa.params().size(), 5u);
  EXPECT_EQ(boa.params()[2].position, 1);
  EXPECT_EQ(file.fingerprints()[2].certainty(), "0.8");
  EXPECT_EQ(file.fingerprints()[2].pattern(), R"x(^Router Webserver "(\S+)"$)x");  // &quot; decoded
}

TEST(RecogDatabase, MatchKeyDefaultsToTheFileStem) {
  const RecogDatabase db = load_one("telnet_banners.xml", recog_xml(R"(protocol="telnet")", R"(
    <fingerprint pattern="(?i)\A(?:\r|\n)*login:\s*$"><description>login</description></fingerprint>)"));
  EXPECT_EQ(db.files()[0].match_key(), "telnet_banners");
  FieldSet fields;
  fields.add("telnet.banner", "\r\n\r\nlogin: ");
  MatchScratch scratch;
  std::vector<Fingerprint> out;
  std::uint64_t limit_hits = 0;
  db.match(fields, scratch, out, limit_hits);
  EXPECT_TRUE(out.empty());  // it matched (trimmed input), but names nothing
}

TEST(RecogDatabase, ParamsAndInterpolationFollowRecog) {
  const RecogDatabase db = load_one("s.xml", recog_xml(R"(matches="http_header.server" protocol="http")", kServers));
  const RecogFile& file = db.files()[0];
  MatchScratch scratch;
  RecogFingerprint::Values values;
  auto value = [&](std::string_view key) -> std::string {
    for (const auto& [k, v] : values)
      if (k == key) return v ? *v : "(nil)";
    return "(absent)";
  };

  ASSERT_EQ(file.recog_result(1, "Boa/0.94.14", scratch, values), MatchOutcome::matched);
  EXPECT_EQ(value("service.version"), "0.94");
  EXPECT_EQ(value("service.component"), "14");
  EXPECT_EQ(value("service.cpe23"), "cpe:/a:boa:boa:0.94");
  EXPECT_EQ(value("service.protocol"), "http");  // the file's, as Recog adds it
  EXPECT_EQ(value("fingerprint_db"), "http_header.server");
  EXPECT_EQ(value("matched"), "Boa web server");

  ASSERT_EQ(file.recog_result(1, "Boa/0.94", scratch, values), MatchOutcome::matched);
  EXPECT_EQ(value("service.component"), "(nil)");  // a group that took no part

  ASSERT_EQ(file.recog_result(2, "x\nRouter Webserver \"AX10\"\ny", scratch, values), MatchOutcome::matched);
  EXPECT_EQ(value("hw.product"), "AX10");
  // An unset version in a cpe23 is '-' (Recog's rule); elsewhere it is empty.
  EXPECT_EQ(value("hw.cpe23"), "cpe:/h:acme:AX10:-");
  EXPECT_EQ(value("hw.note"), " at AX10");

  EXPECT_EQ(file.recog_result(1, "Apache", scratch, values), MatchOutcome::no_match);
}

TEST(RecogDatabase, FirstMatchInAFileWinsAndBecomesAFingerprint) {
  const RecogDatabase db =
      load_one("test_servers.xml", recog_xml(R"(matches="http_header.server" protocol="http")", kServers));
  MatchScratch scratch;
  std::uint64_t limit_hits = 0;
  auto run = [&](std::string_view field, std::string value) {
    FieldSet fields;
    fields.add(field, std::move(value));
    std::vector<Fingerprint> out;
    db.match(fields, scratch, out, limit_hits);
    return out;
  };

  // Fingerprint 2 matches before 4 (which would match too).
  auto boa = run("http.server", "boa/0.94");
  ASSERT_EQ(boa.size(), 1u);
  EXPECT_EQ(boa[0].id, "recog:test_servers:2");
  EXPECT_EQ(boa[0].source, "recog:test_servers.xml");
  EXPECT_EQ(boa[0].category, "other");
  EXPECT_EQ(boa[0].vendor, "Boa");
  EXPECT_EQ(boa[0].product, "Boa");
  EXPECT_EQ(boa[0].version, "0.94");
  EXPECT_EQ(boa[0].cpe, "cpe:2.3:a:boa:boa:0.94:*:*:*:*:*:*:*");
  EXPECT_EQ(boa[0].confidence, 100);
  EXPECT_EQ(attribute(boa[0], "service.version"), "0.94");
  EXPECT_EQ(attribute(boa[0], "service.component"), "(none)");  // nil: left out

  auto router = run("http.server", "Router Webserver \"AX10\"");
  ASSERT_EQ(router.size(), 1u);
  EXPECT_EQ(router[0].id, "recog:test_servers:3");
  EXPECT_EQ(router[0].category, "router");
  EXPECT_EQ(router[0].device, "router");
  EXPECT_EQ(router[0].vendor, "Acme");
  EXPECT_EQ(router[0].product, "AX10");
  EXPECT_EQ(router[0].cpe, "cpe:2.3:h:acme:ax10:-:*:*:*:*:*:*:*");
  EXPECT_EQ(router[0].confidence, 80);  // the fingerprint's certainty
  EXPECT_EQ(attribute(router[0], "hw.device"), "Broadband Router");

  // "Assert nothing" claims the input: no fingerprint, and no later match.
  EXPECT_TRUE(run("http.server", "Generic").empty());
  // Other fields the file reads: the CWMP port's and SSDP's server.
  EXPECT_EQ(run("cwmp.server", "Boa/0.94").size(), 1u);
  EXPECT_EQ(run("upnp.server", "Boa/0.94").size(), 1u);
  EXPECT_TRUE(run("http.title", "Boa/0.94").empty());
  EXPECT_TRUE(run("http.server", "nginx").empty());
  EXPECT_EQ(limit_hits, 0u);
}

TEST(RecogDatabase, EachFileIsItsOwnPrecedenceGroup) {
  auto db = RecogDatabase::load({
      {"a_servers.xml", recog_xml(R"(matches="http_header.server")", R"(
        <fingerprint pattern="^Boa"><param pos="0" name="service.product" value="Boa A"/></fingerprint>)")},
      {"b_servers.xml", recog_xml(R"(matches="http_header.server")", R"(
        <fingerprint pattern="^Boa/"><param pos="0" name="service.product" value="Boa B"/></fingerprint>)")},
      {"smtp_banners.xml", recog_xml(R"(matches="smtp.banner")", R"(
        <fingerprint pattern="."><param pos="0" name="service.product" value="Any"/></fingerprint>)")},
      {"cookies.xml", recog_xml(R"(matches="http_header.cookie")", R"(
        <fingerprint pattern="^PHPSESSID="><param pos="0" name="service.product" value="PHP"/></fingerprint>)")},
  });
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ(db->matching_file_count(), 3u);  // not the SMTP file: we never collect SMTP
  FieldSet fields;
  fields.add("http.server", "Boa/0.94");
  fields.add("smtp.banner", "220 mail");
  fields.add("http.cookie_names", "lang");
  fields.add("http.cookie_names", "PHPSESSID");
  MatchScratch scratch;
  std::vector<Fingerprint> out;
  std::uint64_t limit_hits = 0;
  db->match(fields, scratch, out, limit_hits);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].product, "Boa A");
  EXPECT_EQ(out[1].product, "Boa B");
  EXPECT_EQ(out[2].product, "PHP");  // the second value of a list field
}

TEST(RecogDatabase, CatastrophicPatternsAreBoundedAndCounted) {
  const RecogDatabase db = load_one("s.xml", recog_xml(R"(matches="http_header.server")", R"(
    <fingerprint pattern="^(a+)+$"><param pos="0" name="service.product" value="X"/></fingerprint>
    <fingerprint pattern="^a"><param pos="0" name="service.product" value="Y"/></fingerprint>)"));
  FieldSet fields;
  fields.add("http.server", std::string(64, 'a') + "!");
  MatchScratch scratch;
  std::vector<Fingerprint> out;
  std::uint64_t limit_hits = 0;
  db.match(fields, scratch, out, limit_hits);
  EXPECT_EQ(limit_hits, 1u);
  ASSERT_EQ(out.size(), 1u);  // counted as no match: the next fingerprint's turn
  EXPECT_EQ(out[0].product, "Y");
}

TEST(RecogDatabase, ExamplesRunWithRecogsSelfTestSemantics) {
  const RecogDatabase db =
      load_one("s.xml", recog_xml(R"(matches="http_header.server" protocol="http")", std::string(kServers) + R"(
    <fingerprint pattern="^Boa/(\d+)$">
      <description>Claimed earlier</description>
      <example service.version="1">Boa/1</example>
      <param pos="1" name="service.version"/>
    </fingerprint>
    <fingerprint pattern="^Thttpd/(\S+)$">
      <description>Wrong expectations</description>
      <example service.version="2.0">Thttpd/2.1</example>
      <example service.product="x">Thttpd/2.1</example>
      <example service.protocol="http" fingerprint_db="http_header.server">Thttpd/2.1</example>
      <example>thttpd</example>
      <example _filename="thttpd.txt">ignored</example>
      <param pos="1" name="service.version"/>
    </fingerprint>)"));
  const RecogExampleReport report = db.run_examples();
  EXPECT_EQ(report.total, 11u);
  EXPECT_EQ(report.skipped, 1u);
  EXPECT_EQ(report.passed, 5u);
  ASSERT_EQ(report.failures.size(), 5u);
  // A group that took no part is nil in Ruby, which is not "".
  EXPECT_EQ(report.failures[0].file, "s.xml");
  EXPECT_EQ(report.failures[0].fingerprint, 2u);
  EXPECT_EQ(report.failures[0].description, "Boa web server");
  EXPECT_EQ(report.failures[0].reason, "\"Boa/0.94\" yields no service.component (expected \"\")");
  EXPECT_EQ(report.failures[1].fingerprint, 5u);
  EXPECT_EQ(report.failures[1].reason, "\"Boa/1\" is claimed first by fingerprint 4 (\"Boa, any\")");
  EXPECT_EQ(report.failures[2].reason, "\"Thttpd/2.1\" yields service.version=\"2.1\", expected \"2.0\"");
  EXPECT_EQ(report.failures[3].reason, "\"Thttpd/2.1\" yields no service.product (expected \"x\")");
  EXPECT_EQ(report.failures[4].reason, "\"thttpd\" does not match its own pattern");
}

// ---- Bad input -----------------------------------------------------------------

TEST(RecogDatabase, MalformedXmlNamesFileAndLine) {
  EXPECT_EQ(load_error("<fingerprints>\n<fingerprint pattern=\"a\">\n</fingerprints>"),
            "bad.xml:3: xml: end tag </\"fingerprints\"> does not close <\"fingerprint\">");
  EXPECT_EQ(load_error(""), "bad.xml:1: xml: no root element");
  EXPECT_EQ(load_error("<other/>"), "bad.xml:1: the root element is not <fingerprints>");
  EXPECT_EQ(load_error("<!DOCTYPE f [<!ENTITY x \"y\">]><fingerprints/>"), "bad.xml:1: xml: DOCTYPE not allowed");
  EXPECT_EQ(load_error("<fingerprints>\n<fingerprint pattern=\"a\" pattern=\"b\"/></fingerprints>"),
            "bad.xml:2: xml: attribute \"pattern\" given twice");
}

TEST(RecogDatabase, BrokenFingerprintsNameFileLineAndFingerprint) {
  const std::string ok = "<fingerprint pattern=\"^ok$\"><description>fine</description></fingerprint>\n";
  EXPECT_EQ(load_error(recog_xml("", ok + "<fingerprint pattern=\"^(unclosed$\">\n"
                                          "<description>Broken</description></fingerprint>")),
            "bad.xml:5: fingerprint 2 (\"Broken\"): bad regex at offset 16: missing closing parenthesis");
  EXPECT_EQ(load_error(recog_xml("", "<fingerprint pattern=\"a\" flags=\"REG_NEWLINE\"/>")),
            "bad.xml:4: fingerprint 1: unsupported regex flag \"REG_NEWLINE\" (Recog knows REG_ICASE, "
            "REG_MULTILINE, REG_DOT_NEWLINE, REG_LINE_ANY_CRLF)");
  EXPECT_EQ(load_error(recog_xml("", "<fingerprint><description>d</description></fingerprint>")),
            "bad.xml:4: fingerprint 1: no pattern attribute");
  EXPECT_EQ(load_error(recog_xml("",
                                 "<fingerprint pattern=\"(a)\"><param pos=\"2\" name=\"os.version\"/>"
                                 "</fingerprint>")),
            "bad.xml:4: fingerprint 1: param os.version takes group 2, but the pattern has 1");
  EXPECT_EQ(load_error(recog_xml("",
                                 "<fingerprint pattern=\"a\"><param pos=\"x\" name=\"os.version\"/>"
                                 "</fingerprint>")),
            "bad.xml:4: fingerprint 1: param os.version has pos \"x\"");
  EXPECT_EQ(load_error(recog_xml("", "<fingerprint pattern=\"a\"><param name=\"os.version\"/></fingerprint>")),
            "bad.xml:4: fingerprint 1: a param needs pos and name");
  EXPECT_EQ(load_error(recog_xml("",
                                 "<fingerprint pattern=\"a\"><example _encoding=\"rot13\">n</example>"
                                 "</fingerprint>")),
            "bad.xml:4: fingerprint 1: example with unknown _encoding \"rot13\"");
  EXPECT_EQ(load_error(recog_xml("", "<fingerprint pattern=\"(?~a)\"/>")),
            "bad.xml:4: fingerprint 1: Ruby regex syntax PCRE2 cannot express at offset 0: the absence operator "
            "(?~...)");
}

TEST(RecogDatabase, UnknownElementsAreSkippedAsRecogSkipsThem) {
  const RecogDatabase db = load_one("s.xml", recog_xml(R"(matches="ssh.banner")", R"x(
    <notes><fingerprint pattern="("/></notes>
    <fingerprint pattern="^OpenSSH_(\S+)"><extra>text</extra><param pos="1" name="service.version"/></fingerprint>)x"));
  EXPECT_EQ(db.fingerprint_count(), 1u);
}

TEST(RecogDatabase, LoadsDirectoriesAndFiles) {
  const auto dir = std::filesystem::temp_directory_path() / ("fumidai-recog-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& text) { std::ofstream(dir / name) << text; };
  write("b.xml", recog_xml(R"(matches="ssh.banner")", R"(<fingerprint pattern="^b"/>)"));
  write("a.xml", recog_xml(R"(matches="ftp.banner")", R"(<fingerprint pattern="^a"/><fingerprint pattern="^c"/>)"));
  write("notes.txt", "not xml");
  auto db = RecogDatabase::load_directory(dir);
  ASSERT_TRUE(db) << db.error().message;
  ASSERT_EQ(db->files().size(), 2u);
  EXPECT_EQ(db->files()[0].name(), "a.xml");  // name order
  EXPECT_EQ(db->fingerprint_count(), 3u);
  auto one = RecogDatabase::load_file(dir / "b.xml");
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(one->fingerprint_count(), 1u);

  write("c.xml", "<fingerprints>");
  auto broken = RecogDatabase::load_directory(dir);
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().message, "c.xml:1: xml: the document ends inside <\"fingerprints\">");
  std::filesystem::remove_all(dir);
  EXPECT_FALSE(RecogDatabase::load_directory(dir));
  EXPECT_FALSE(RecogDatabase::load_file(dir / "a.xml"));
}

// ---- Inputs and outputs ----------------------------------------------------------

TEST(RecogInputs, FieldsAndForms) {
  const auto server = recog_inputs("http_header.server");
  ASSERT_EQ(server.size(), 3u);
  EXPECT_EQ(server[0].field, "http.server");
  EXPECT_EQ(recog_inputs("telnet_banners").at(0).field, "telnet.banner");
  EXPECT_EQ(recog_inputs("x509.issuer").at(0).field, "tls.issuer");
  EXPECT_EQ(recog_inputs("favicon.md5").at(0).field, "http.favicon.md5");
  EXPECT_TRUE(recog_inputs("smtp.banner").empty());
  EXPECT_TRUE(recog_inputs("tls.jarm").empty());

  EXPECT_EQ(recog_subject(RecogInputForm::ssh_software, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"),
            "OpenSSH_9.2p1 Debian-2+deb12u3");
  EXPECT_EQ(recog_subject(RecogInputForm::ssh_software, "SSH-1.99-Cisco-1.25"), "Cisco-1.25");
  EXPECT_EQ(recog_subject(RecogInputForm::ssh_software, "dropbear"), "dropbear");
  EXPECT_EQ(recog_subject(RecogInputForm::trimmed, "\r\n \tUser Access Verification\r\n\r\nUsername: "),
            "User Access Verification\r\n\r\nUsername:");
  EXPECT_EQ(recog_subject(RecogInputForm::cookie_name, "PHPSESSID"), "PHPSESSID=");
  EXPECT_EQ(recog_subject(RecogInputForm::as_is, " x "), " x ");
}

TEST(RecogInputs, DistinguishedNamesAsGoWritesThem) {
  // As our TLS module writes a TP-Link certificate's subject (C, ST, L, O, CN,
  // emailAddress in the certificate), and as Recog's x509_subjects.xml has it.
  EXPECT_EQ(go_distinguished_name(R"(emailAddress=service@tp-link.com.cn,CN=TP-LINK CA,O=TP-LINK Technologies CO.\, )"
                                  R"(LTD.,L=Shenzhen,ST=Guangdong,C=CN)"),
            R"(CN=TP-LINK CA,O=TP-LINK Technologies CO.\, LTD.,L=Shenzhen,ST=Guangdong,C=CN,)"
            R"(1.2.840.113549.1.9.1=#0c16736572766963654074702d6c696e6b2e636f6d2e636e)");
  // Go joins every value of a type into one RDN, in certificate order.
  EXPECT_EQ(go_distinguished_name("CN=HP Jetdirect 38831831,OU=J8028E,OU=2C413883186A,O=Hewlett-Packard Co."),
            "CN=HP Jetdirect 38831831,OU=2C413883186A+OU=J8028E,O=Hewlett-Packard Co.");
  // Go's fixed order, whatever the certificate's; one CN: the certificate's
  // last, which we write first.
  EXPECT_EQ(go_distinguished_name("C=US,CN=b,serialNumber=42,CN=a,street=Main St,O=Org,postalCode=123"),
            "SERIALNUMBER=42,CN=b,O=Org,POSTALCODE=123,STREET=Main St,C=US");
  // Non-standard types as OID=#DER; PrintableString when the value allows it.
  EXPECT_EQ(go_distinguished_name("2.5.4.4=Smith,CN=x"), "CN=x,2.5.4.4=#1305536d697468");
  EXPECT_EQ(go_distinguished_name("SN=Smith,CN=x"), "CN=x,2.5.4.4=#1305536d697468");
  EXPECT_EQ(go_distinguished_name("CN=" + std::string(200, 'a')).size(), 203u);
  EXPECT_EQ(go_distinguished_name("emailAddress=" + std::string(200, 'a') + "@b").substr(0, 28),
            "1.2.840.113549.1.9.1=#0c81ca");
  // Our escapes undone, Go's applied.
  EXPECT_EQ(go_distinguished_name(R"(CN=\#a\0Ab\+c\\d\ )"), "CN=\\#a\nb\\+c\\\\d\\ ");
  // Not RFC 4514: left alone.
  EXPECT_EQ(go_distinguished_name("just text"), "just text");
  EXPECT_EQ(go_distinguished_name("CN=a,"), "CN=a,");
}

TEST(RecogOutput, CpeUriBecomesCpe23) {
  EXPECT_EQ(cpe23_from_uri("cpe:/a:microsoft:iis:7.5"), "cpe:2.3:a:microsoft:iis:7.5:*:*:*:*:*:*:*");
  EXPECT_EQ(cpe23_from_uri("cpe:/o:avm:fritz%21os:-"), R"(cpe:2.3:o:avm:fritz\!os:-:*:*:*:*:*:*:*)");
  EXPECT_EQ(cpe23_from_uri("cpe:/h:apple:iphone_se_%282nd_generation%29:-"),
            R"(cpe:2.3:h:apple:iphone_se_\(2nd_generation\):-:*:*:*:*:*:*:*)");
  EXPECT_EQ(cpe23_from_uri("cpe:/a:hp:insight_diagnostics:7.4.0.1570:-:~~online~win2003~x64~"),
            "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*");
  EXPECT_EQ(cpe23_from_uri("cpe:/a:Vendor:Prod:1.0 beta"), "cpe:2.3:a:vendor:prod:1.0_beta:*:*:*:*:*:*:*");
  EXPECT_EQ(cpe23_from_uri("cpe:/o:linux"), "cpe:2.3:o:linux:*:*:*:*:*:*:*:*:*");
  EXPECT_EQ(cpe23_from_uri("cpe:2.3:a:x:y:1:*:*:*:*:*:*:*"), "cpe:2.3:a:x:y:1:*:*:*:*:*:*:*");
}

TEST(RecogOutput, CategoryDeviceAndConfidence) {
  const RecogDatabase db = load_one("s.xml", recog_xml(R"(matches="html_title")", R"(
    <fingerprint pattern="^vpn$"><param pos="0" name="hw.vendor" value="F"/>
      <param pos="0" name="hw.device" value="Firewall"/><param pos="0" name="service.product" value="SSL-VPN"/>
      <param pos="0" name="hw.certainty" value="0.5"/></fingerprint>
    <fingerprint pattern="^squid$"><param pos="0" name="service.family" value="Squid"/></fingerprint>
    <fingerprint pattern="^haproxy$"><param pos="0" name="service.product" value="HAProxy"/></fingerprint>
    <fingerprint pattern="^ap$"><param pos="0" name="os.vendor" value="U"/>
      <param pos="0" name="os.device" value="WAP"/></fingerprint>
    <fingerprint pattern="^nas$"><param pos="0" name="hw.product" value="DS"/>
      <param pos="0" name="hw.device" value="NAS"/><param pos="0" name="hw.certainty" value="0.0"/></fingerprint>
    <fingerprint pattern="^printer$"><param pos="0" name="hw.product" value="P"/>
      <param pos="0" name="hw.device" value="Printer"/></fingerprint>)"));
  MatchScratch scratch;
  RecogFingerprint::Values values;
  auto fingerprint = [&](std::size_t index, std::string_view text) {
    EXPECT_EQ(db.files()[0].fingerprints()[index].match(text, scratch, &values), MatchOutcome::matched);
    return recog_fingerprint(db.files()[0], index, values);
  };
  const auto vpn = fingerprint(0, "vpn");
  ASSERT_TRUE(vpn);
  EXPECT_EQ(vpn->category, "vpn");
  EXPECT_EQ(vpn->device, "firewall");
  EXPECT_EQ(vpn->vendor, "F");
  EXPECT_EQ(vpn->confidence, 50);
  EXPECT_EQ(fingerprint(1, "squid")->category, "proxy");
  EXPECT_EQ(fingerprint(1, "squid")->product, "Squid");  // the family when there is no product
  EXPECT_EQ(fingerprint(2, "haproxy")->category, "other");
  const auto ap = fingerprint(3, "ap");
  EXPECT_EQ(ap->category, "router");
  EXPECT_EQ(ap->device, "wap");
  EXPECT_EQ(ap->vendor, "U");
  EXPECT_FALSE(fingerprint(4, "nas"));  // certainty 0: asserts nothing
  const auto printer = fingerprint(5, "printer");
  EXPECT_EQ(printer->category, "other");
  EXPECT_EQ(printer->device, "");                          // not one of our device words …
  EXPECT_EQ(attribute(*printer, "hw.device"), "Printer");  // … but kept
}
