// The literal prefilter: anchor extraction from regexes (conservative: a
// literal only where every match must contain it), anchors of all/any/not,
// the Aho–Corasick automaton, and a property test: over random rule sets and
// random records, matching with the prefilter gives exactly what evaluating
// every rule gives.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <random>
#include <string>
#include <vector>

#include "fumidai/fingerprints/AhoCorasick.h"
#include "fumidai/fingerprints/RegexAnchor.h"
#include "fumidai/fingerprints/RuleDatabase.h"

using namespace fumidai;
using namespace fumidai::fingerprints;

namespace {

TEST(RegexAnchor, RequiredLiteralRuns) {
  EXPECT_EQ(RegexAnchor::extract("^SSH-2\\.0-OpenSSH_(?<version>\\d+\\.\\d+)"), "ssh-2.0-openssh_");
  EXPECT_EQ(RegexAnchor::extract("realm=\"TP-LINK (?:Wireless )?Router (\\w+)\""), "realm=\"tp-link ");
  EXPECT_EQ(RegexAnchor::extract("(?i)fritz!box"), "fritz!box");
  EXPECT_EQ(RegexAnchor::extract("abc(?i)defgh"), "defgh");
  EXPECT_EQ(RegexAnchor::extract("MikroTik"), "mikrotik");
  EXPECT_EQ(RegexAnchor::extract("\\x41\\x42C\\tD"), "abc\td");
  EXPECT_EQ(RegexAnchor::extract("\\xAbcd"), std::string("\xab") + "cd");  // \xAb is one byte
  EXPECT_EQ(RegexAnchor::extract("\\/cgi-bin\\/luci"), "/cgi-bin/luci");
  EXPECT_EQ(RegexAnchor::extract("a{3}bcd"), "abcd");  // the last of the a's is followed by "bcd"
  EXPECT_EQ(RegexAnchor::extract("Routerx{3}bcd"), "routerx");
  EXPECT_EQ(RegexAnchor::extract("literal{brace"), "literal{brace");  // not a quantifier
}

TEST(RegexAnchor, QuantifiedAtomsAreNotRequired) {
  EXPECT_EQ(RegexAnchor::extract("abcd?"), "abc");
  EXPECT_EQ(RegexAnchor::extract("abcd*"), "abc");
  EXPECT_EQ(RegexAnchor::extract("abcd{0,2}"), "abc");
  EXPECT_EQ(RegexAnchor::extract("abcd{00}efgh"), "efgh");
  EXPECT_EQ(RegexAnchor::extract("abcd+xyz"), "abcd");
  EXPECT_EQ(RegexAnchor::extract("ab\\.?cd"), "");
  EXPECT_EQ(RegexAnchor::extract("Server: (Foo)?Bar"), "server: ");
  EXPECT_EQ(RegexAnchor::extract("(?:xyzw)*abc"), "abc");
  EXPECT_EQ(RegexAnchor::extract("[abc]+defg"), "defg");
  EXPECT_EQ(RegexAnchor::extract("[]xyzw]efg"), "efg");
  EXPECT_EQ(RegexAnchor::extract("[[:alpha:]xyzw]efg"), "efg");
}

TEST(RegexAnchor, GivesUpWhereItCannotBeSure) {
  EXPECT_EQ(RegexAnchor::extract("Archer|Deco"), "");  // top-level alternation
  EXPECT_EQ(RegexAnchor::extract("(?x) Archer \\s C7"), "");
  EXPECT_EQ(RegexAnchor::extract("\\QArcher\\E"), "");
  EXPECT_EQ(RegexAnchor::extract("ab"), "");  // too short to be worth it
  EXPECT_EQ(RegexAnchor::extract("a.b.c"), "");
  EXPECT_EQ(RegexAnchor::extract("\\d+\\s\\w+"), "");
  // Escapes with arguments do not leak their argument into a literal.
  EXPECT_EQ(RegexAnchor::extract("\\p{L}abc"), "abc");
  EXPECT_EQ(RegexAnchor::extract("\\pLxyz"), "xyz");
  EXPECT_EQ(RegexAnchor::extract("\\cAxyz"), "xyz");
  EXPECT_EQ(RegexAnchor::extract("(a)\\12345"), "");
  EXPECT_EQ(RegexAnchor::extract("\\x{263a}wxyz"), "wxyz");
  EXPECT_EQ(RegexAnchor::extract("\\k<name>wxyz"), "wxyz");
  EXPECT_EQ(RegexAnchor::extract("(a|b)|cdef"), "");
  EXPECT_EQ(RegexAnchor::extract("(a|b)cdef"), "cdef");
  EXPECT_EQ(RegexAnchor::extract(std::string(100, 'z')), std::string(32, 'z'));
}

TEST(AhoCorasick, FindsEveryOccurrenceIgnoringCase) {
  auto ac = AhoCorasick::build({"he", "she", "his", "hers", "r!b"});
  ASSERT_TRUE(ac);
  std::vector<std::uint32_t> found;
  ac->scan("uSHErs R!B", [&](std::uint32_t id) { found.push_back(id); });
  EXPECT_EQ(found, (std::vector<std::uint32_t>{1, 0, 3, 4}));
  found.clear();
  ac->scan("hehe", [&](std::uint32_t id) { found.push_back(id); });
  EXPECT_EQ(found, (std::vector<std::uint32_t>{0, 0}));
  EXPECT_FALSE(AhoCorasick::build({"a", ""}));
  EXPECT_EQ(ac->state_count(), 13u);
}

// Builds a database where each rule's anchors are as given, checks which
// rules the prefilter leaves for a record.
std::vector<std::string> candidate_ids(const std::string& rules, const FieldSet& f) {
  auto db = RuleDatabase::load({{"t.yaml", rules}});
  EXPECT_TRUE(db) << db.error().message;
  std::vector<std::uint32_t> ids;
  db->prefilter().candidates(f, ids);
  std::vector<std::string> out;
  for (const auto id : ids) out.push_back(db->rules()[id].id);
  EXPECT_EQ(db->candidates(f), out.size());
  return out;
}

std::string rule(std::string_view id, std::string_view match) {
  return "  - id: " + std::string(id) + "\n    category: other\n    confidence: 50\n    match: " + std::string(match) +
         "\n    examples:\n      - fields: {http.title: x}\n        expect: {category: other}\n";
}

TEST(LiteralPrefilter, AnchorsOfAllAnyAndNot) {
  const std::string rules =
      "rules:\n" + rule("all", "{all: [{field: http.title, contains: x}, {field: http.server, prefix: Boa}]}") +
      rule("any", "{any: [{field: http.title, equals: Deco}, {field: http.realm, regex: 'Arch(er)?'}]}") +
      rule("any-open", "{any: [{field: http.title, equals: Deco}, {field: http.realm, exists: true}]}") +
      rule("not", "{not: {field: http.title, contains: Deco}}") +
      rule("nocase", "{field: ssh.banner, contains: DROPBEAR, nocase: true}");
  FieldSet f;
  f.add("http.server", "boa/0.94");
  EXPECT_EQ(candidate_ids(rules, f), (std::vector<std::string>{"all", "any-open", "not"}));
  FieldSet g;
  g.add("http.realm", "TP-LINK ARCHER");
  g.add("ssh.banner", "SSH-2.0-dropbear_2019.78");
  EXPECT_EQ(candidate_ids(rules, g), (std::vector<std::string>{"any", "any-open", "not", "nocase"}));
  // A literal is looked for in its own field only.
  FieldSet h;
  h.add("http.title", "Boa Deco");
  EXPECT_EQ(candidate_ids(rules, h), (std::vector<std::string>{"any", "any-open", "not"}));
}

TEST(LiteralPrefilter, CostFollowsTheRecordNotTheRuleCount) {
  std::string rules = "rules:\n";
  for (int i = 0; i < 2000; ++i) {
    rules += rule("model-" + std::to_string(i),
                  "{field: http.realm, regex: 'Router Model" + std::to_string(i) + "X(?<rev>\\d)?'}");
  }
  auto db = RuleDatabase::load({{"t.yaml", rules}});
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ(db->prefilter().always_check_count(), 0u);
  FieldSet f;
  f.add("http.realm", "Router Model1234X2");
  EXPECT_EQ(db->candidates(f), 1u);
  MatchScratch scratch;
  std::vector<Fingerprint> out;
  std::uint64_t hits = 0;
  db->match(f, scratch, out, hits);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, "model-1234");
}

// The property test's world: a few fields and words; rules and records are
// drawn from them so that matches, near misses and case variants all occur.
class RandomWorld {
 public:
  explicit RandomWorld(std::uint32_t seed) : rng_(seed) {}

  std::string rules(int count) {
    std::string out = "rules:\n";
    for (int i = 0; i < count; ++i) {
      out += "  - id: r" + std::to_string(i) + "\n    category: " + pick(kCategories) +
             "\n    confidence: 50\n    priority: " + std::to_string(rng_() % 3 * 10) +
             "\n    product: p\n    match: " + condition(0) +
             "\n    examples:\n      - fields: {http.title: x}\n        expect: {category: other}\n";
    }
    return out;
  }

  FieldSet record() {
    FieldSet f;
    for (const char* field : kFields) {
      const int values = static_cast<int>(rng_() % 3);
      for (int v = 0; v < values; ++v) f.add(field, text());
    }
    return f;
  }

 private:
  static constexpr const char* kFields[] = {"http.title", "http.server", "ike.vendor_ids", "ssh.banner"};
  static constexpr const char* kWords[] = {"Archer", "archer",  "ARCHER C7", "Deco",  "Boa", "boa/0.94",   "x",
                                           "Router", "Model-7", "FRITZ!Box", "fritz", "zz",  "mini_httpd", "v1.2"};
  static constexpr const char* kCategories[] = {"router", "vpn", "other"};

  template <std::size_t N>
  std::string pick(const char* const (&list)[N]) {
    return list[rng_() % N];
  }

  std::string text() {
    std::string out;
    const int words = 1 + static_cast<int>(rng_() % 3);
    for (int i = 0; i < words; ++i) out += (i > 0 ? " " : "") + pick(kWords);
    return out;
  }

  // YAML single-quoted scalar.
  static std::string quote(const std::string& text) {
    std::string out = "'";
    for (const char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  }

  std::string regex_escape(const std::string& word) {
    std::string out;
    for (const char c : word) {
      if (std::string_view("\\^$.|?*+()[]{}/!-").find(c) != std::string_view::npos) out += '\\';
      out += c;
    }
    return out;
  }

  std::string regex() {
    switch (rng_() % 6) {
      case 0:
        return regex_escape(pick(kWords));
      case 1:
        return "^" + regex_escape(pick(kWords)) + "(?: (?<v>\\S+))?";
      case 2:
        return regex_escape(pick(kWords)) + "|" + regex_escape(pick(kWords));
      case 3:
        return "(?i)" + regex_escape(pick(kWords)) + "s?";
      case 4:
        return regex_escape(pick(kWords)) + "\\s+\\w+";
      default:
        return "(" + regex_escape(pick(kWords)) + ")+" + regex_escape(pick(kWords));
    }
  }

  std::string test() {
    static constexpr const char* kOps[] = {"regex", "contains", "equals", "prefix", "suffix", "exists"};
    const std::string field = pick(kFields);
    const std::string op = pick(kOps);
    std::string out = "{field: " + field + ", " + op + ": ";
    if (op == "exists") {
      out += rng_() % 2 ? "true" : "false";
    } else if (op == "regex") {
      out += quote(regex());
    } else {
      out += quote(pick(kWords));
    }
    if (rng_() % 3 == 0) out += ", nocase: true";
    return out + "}";
  }

  std::string condition(int depth) {
    const unsigned kind = depth >= 3 ? 0 : rng_() % 5;
    if (kind <= 1) return test();
    if (kind == 4) return "{not: " + condition(depth + 1) + "}";
    std::string out = kind == 2 ? "{all: [" : "{any: [";
    const int children = 1 + static_cast<int>(rng_() % 3);
    for (int i = 0; i < children; ++i) out += (i > 0 ? ", " : "") + condition(depth + 1);
    return out + "]}";
  }

  std::mt19937 rng_;
};

std::string describe(const std::vector<Fingerprint>& fps) {
  std::string out;
  for (const auto& fp : fps) out += boost::json::serialize(fp.to_json()) + "\n";
  return out;
}

TEST(LiteralPrefilter, PropertySameResultsAsEvaluatingEveryRule) {
  std::size_t fingerprints = 0;
  std::size_t skipped = 0;
  std::size_t evaluated = 0;
  for (std::uint32_t seed = 1; seed <= 40; ++seed) {
    RandomWorld world(seed);
    auto db = RuleDatabase::load({{"random.yaml", world.rules(60)}});
    ASSERT_TRUE(db) << db.error().message;
    MatchScratch scratch;
    for (int r = 0; r < 150; ++r) {
      const FieldSet record = world.record();
      std::vector<Fingerprint> with;
      std::vector<Fingerprint> without;
      std::uint64_t hits = 0;
      db->match(record, scratch, with, hits);
      db->match_exhaustive(record, scratch, without, hits);
      ASSERT_EQ(describe(with), describe(without)) << "seed " << seed << " record " << r;
      fingerprints += with.size();
      skipped += db->rule_count() - db->candidates(record);
      evaluated += db->rule_count();
    }
  }
  // The world is built so both sides are exercised: matches happen and the
  // prefilter does drop rules.
  EXPECT_GT(fingerprints, 1000u);
  EXPECT_GT(skipped, evaluated / 4);
}

}  // namespace
