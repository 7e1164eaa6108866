// The YAML rule engine: conditions and captures, multi-valued fields,
// precedence, every load error (with file and line), PCRE2's message for a
// broken regex, the match limit against catastrophic backtracking, and the
// Recog-style self-test, all through RuleDatabase's public API.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/fingerprints/RuleDatabase.h"

using namespace fumidai;
using namespace fumidai::fingerprints;

namespace {

Result<RuleDatabase> load(std::string_view yaml, std::string_view name = "t.yaml") {
  return RuleDatabase::load({{std::string(name), std::string(yaml)}});
}

RuleDatabase must_load(std::string_view yaml) {
  auto db = load(yaml);
  EXPECT_TRUE(db) << (db ? "" : db.error().message);
  return std::move(*db);
}

FieldSet fields(std::initializer_list<std::pair<std::string_view, std::string_view>> list) {
  FieldSet out;
  for (const auto& [name, value] : list) out.add(name, std::string(value));
  return out;
}

std::vector<Fingerprint> run(const RuleDatabase& db, const FieldSet& f, std::uint64_t* limit_hits = nullptr) {
  MatchScratch scratch;
  std::vector<Fingerprint> out;
  std::uint64_t hits = 0;
  db.match(f, scratch, out, hits);
  if (limit_hits != nullptr) *limit_hits = hits;
  return out;
}

std::vector<std::string> ids(const std::vector<Fingerprint>& fps) {
  std::vector<std::string> out;
  for (const auto& fp : fps) out.push_back(fp.id);
  return out;
}

// One rule with `match` as given, and a placeholder example (the tests below
// call match() themselves; self_test is tested separately).
std::string one_rule(std::string_view match, std::string_view extra = "") {
  return "rules:\n  - id: r\n    category: router\n    vendor: V\n    product: P\n    confidence: 50\n" +
         std::string(extra) + "    match: " + std::string(match) +
         "\n    examples:\n      - fields: {http.title: x}\n        expect: {vendor: V}\n";
}

bool matches(std::string_view match, const FieldSet& f) { return !run(must_load(one_rule(match)), f).empty(); }

std::string load_error(std::string_view yaml) {
  auto db = load(yaml);
  EXPECT_FALSE(db) << "loaded: " << yaml;
  return db ? "" : db.error().message;
}

TEST(FingerprintConditions, TestOperators) {
  const FieldSet f = fields({{"http.title", "Welcome to Archer C7"}, {"http.status", "401"}});
  EXPECT_TRUE(matches("{field: http.title, regex: 'Archer C\\d'}", f));
  EXPECT_FALSE(matches("{field: http.title, regex: '^Archer'}", f));
  EXPECT_TRUE(matches("{field: http.title, contains: Archer}", f));
  EXPECT_FALSE(matches("{field: http.title, contains: archer}", f));
  EXPECT_TRUE(matches("{field: http.title, contains: archer, nocase: true}", f));
  EXPECT_TRUE(matches("{field: http.status, equals: '401'}", f));
  EXPECT_FALSE(matches("{field: http.status, equals: '40'}", f));
  EXPECT_TRUE(matches("{field: http.title, prefix: Welcome}", f));
  EXPECT_TRUE(matches("{field: http.title, prefix: WELCOME, nocase: true}", f));
  EXPECT_FALSE(matches("{field: http.title, prefix: Archer}", f));
  EXPECT_TRUE(matches("{field: http.title, suffix: C7}", f));
  EXPECT_TRUE(matches("{field: http.title, suffix: c7, nocase: yes}", f));
  EXPECT_FALSE(matches("{field: http.title, suffix: Welcome}", f));
  EXPECT_TRUE(matches("{field: http.title, regex: 'archer c7$', nocase: true}", f));
  EXPECT_TRUE(matches("{field: http.title, regex: '(?i)ARCHER'}", f));
  EXPECT_TRUE(matches("{field: http.status, exists: true}", f));
  EXPECT_FALSE(matches("{field: http.server, exists: true}", f));
  EXPECT_TRUE(matches("{field: http.server, exists: false}", f));
  // An absent field fails every test but exists: false, "not" included.
  EXPECT_FALSE(matches("{field: http.server, regex: '.*'}", f));
  EXPECT_TRUE(matches("{not: {field: http.server, contains: x}}", f));
}

TEST(FingerprintConditions, AllAnyNot) {
  const FieldSet f = fields({{"http.title", "Archer C7"}, {"http.status", "401"}});
  EXPECT_TRUE(matches("{all: [{field: http.title, contains: Archer}, {field: http.status, equals: '401'}]}", f));
  EXPECT_FALSE(matches("{all: [{field: http.title, contains: Archer}, {field: http.status, equals: '200'}]}", f));
  EXPECT_TRUE(matches("{any: [{field: http.title, contains: Deco}, {field: http.status, equals: '401'}]}", f));
  EXPECT_FALSE(matches("{any: [{field: http.title, contains: Deco}, {field: http.status, equals: '200'}]}", f));
  EXPECT_TRUE(matches("{not: {field: http.title, contains: Deco}}", f));
  EXPECT_FALSE(matches("{not: {field: http.title, contains: Archer}}", f));
  EXPECT_TRUE(
      matches("{all: [{any: [{field: ssh.banner, exists: true}, {field: http.title, prefix: Arch}]}, "
              "{not: {all: [{field: http.status, equals: '401'}, {field: http.title, contains: Deco}]}}]}",
              f));
}

TEST(FingerprintConditions, CapturesFillOutputs) {
  const RuleDatabase db = must_load(R"(rules:
  - id: archer
    category: router
    vendor: TP-Link
    product: "Archer {model}"
    version: "{version}"
    cpe: "cpe:2.3:h:tp-link:archer_{model}:-:*:*:*:*:*:*:*"
    confidence: 90
    match:
      all:
        - {field: http.realm, regex: 'Archer (?<model>[A-Z]+\d+)'}
        - {field: http.server, regex: '^httpd/(?<version>[\d.]+)|^httpd'}
    examples:
      - fields: {http.realm: Archer C7, http.server: httpd/1.2}
        expect: {product: Archer C7}
)");
  auto out = run(db, fields({{"http.realm", "TP-LINK Archer C7 v2"}, {"http.server", "httpd/3.15.3"}}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, "archer");
  EXPECT_EQ(out[0].source, "fumidai");
  EXPECT_EQ(out[0].category, "router");
  EXPECT_EQ(out[0].vendor, "TP-Link");
  EXPECT_EQ(out[0].product, "Archer C7");
  EXPECT_EQ(out[0].version, "3.15.3");
  EXPECT_EQ(out[0].cpe, "cpe:2.3:h:tp-link:archer_C7:-:*:*:*:*:*:*:*");
  EXPECT_EQ(out[0].confidence, 90);
  // An unset group renders empty (a CPE component as '*').
  out = run(db, fields({{"http.realm", "Archer C7"}, {"http.server", "httpd"}}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].version, "");
  EXPECT_EQ(boost::json::serialize(out[0].to_json()).find("version"), std::string::npos);
}

TEST(FingerprintConditions, CpeComponentsAreQuoted) {
  const RuleDatabase db = must_load(R"(rules:
  - id: r
    category: other
    cpe: "cpe:2.3:a:x:y:{v}:*:*:*:*:*:*:*"
    confidence: 50
    match: {field: http.server, regex: '^y/(?<v>.+)'}
    examples:
      - fields: {http.server: y/1}
        expect: {cpe: "cpe:2.3:a:x:y:1:*:*:*:*:*:*:*"}
)");
  auto out = run(db, fields({{"http.server", "y/1.0 beta:2"}}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].cpe, "cpe:2.3:a:x:y:1.0_beta\\:2:*:*:*:*:*:*:*");
}

TEST(FingerprintConditions, CapturesCutInsideACharacterLoseThePartialCharacter) {
  const RuleDatabase db = must_load(R"(rules:
  - id: r
    category: other
    product: "{p}"
    confidence: 50
    match: {field: http.title, regex: '^.(?<p>.{5})'}
    examples:
      - fields: {http.title: xabcde}
        expect: {product: abcde}
)");
  // "é" is two bytes, "日" three: the group starts inside the first and ends
  // inside the second.
  auto out = run(db, fields({{"http.title",
                              "\xc3\xa9"
                              "ab"
                              "\xe6\x97\xa5"}}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].product, "ab");
  out = run(db, fields({{"http.title",
                         "x\xc3\xa9"
                         "ab"
                         "\xe6\x97\xa5"}}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].product,
            "\xc3\xa9"
            "ab");
}

TEST(FingerprintConditions, FirstCaptureInDocumentOrderWins) {
  const RuleDatabase db = must_load(R"(rules:
  - id: r
    category: router
    product: "{model}"
    confidence: 50
    match:
      all:
        - any:
            - {all: [{field: http.title, regex: '(?<model>T\w+)'}, {field: http.status, equals: '500'}]}
            - {field: http.realm, regex: '(?<model>R\w+)'}
        - {not: {field: http.server, regex: '(?<model>S\w+)x'}}
        - {field: http.title, regex: '(?<model>\w+)'}
    examples:
      - fields: {http.title: Tone, http.realm: Rtwo}
        expect: {product: Rtwo}
)");
  // The failed "all" branch captured Tone first: its capture is dropped; the
  // one inside "not" never counts.
  auto out = run(db, fields({{"http.title", "Tone"}, {"http.realm", "Rtwo"}, {"http.server", "Sthree"}}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].product, "Rtwo");
  out = run(db, fields({{"http.title", "Tone"}, {"http.realm", "Rtwo"}, {"http.status", "500"}}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].product, "Tone");
  EXPECT_TRUE(db.self_test().empty());
}

TEST(FingerprintConditions, MultiValuedFieldMatchesAnyValueWithItsCaptures) {
  const RuleDatabase db = must_load(R"(rules:
  - id: r
    category: vpn
    product: "{name}"
    confidence: 50
    match: {field: ike.vendor_ids, regex: '^(?<name>strongSwan.*)'}
    examples:
      - fields: {ike.vendor_ids: [RFC 3947 NAT-T, strongSwan 5.9]}
        expect: {product: strongSwan 5.9}
)");
  FieldSet f;
  f.add("ike.vendor_ids", "RFC 3947 NAT-T");
  f.add("ike.vendor_ids", "strongSwan 5.9.8");
  f.add("ike.vendor_ids", "strongSwan other");
  auto out = run(db, f);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].product, "strongSwan 5.9.8");
  EXPECT_TRUE(db.self_test().empty());
  FieldSet none;
  none.add("ike.vendor_ids", "Dead Peer Detection v1.0");
  EXPECT_TRUE(run(db, none).empty());
}

constexpr std::string_view kPrecedence = R"(rules:
  - id: family
    category: router
    vendor: TP-Link
    product: Archer
    confidence: 60
    priority: 40
    match: {field: http.realm, contains: Archer}
    examples:
      - fields: {http.realm: Archer AX55}
        expect: {product: Archer}
  - id: generic-a
    category: router
    product: first
    confidence: 10
    match: {field: http.realm, contains: Arch}
    examples:
      - fields: {http.realm: Archery}
        expect: {product: first}
  - id: generic-b
    category: router
    product: second
    confidence: 10
    match: {field: http.realm, contains: Arch}
    examples:
      - fields: {http.realm: Arches}
        expect: {product: second}
  - id: model
    category: router
    vendor: TP-Link
    product: Archer C7
    confidence: 90
    priority: 60
    match: {field: http.realm, contains: Archer C7}
    examples:
      - fields: {http.realm: Archer C7}
        expect: {product: Archer C7}
  - id: panel
    category: admin-panel
    product: TP-Link web UI
    confidence: 80
    match: {field: http.realm, contains: TP-LINK}
    examples:
      - fields: {http.realm: TP-LINK}
        expect: {product: TP-Link web UI}
)";

TEST(FingerprintPrecedence, PriorityThenLoadOrderOnePerCategory) {
  const RuleDatabase db = must_load(kPrecedence);
  EXPECT_EQ(ids(run(db, fields({{"http.realm", "TP-LINK Archer C7"}}))), (std::vector<std::string>{"model", "panel"}));
  // generic-a and generic-b tie on priority: load order decides; the family
  // rule's lower priority puts it after both.
  EXPECT_EQ(ids(run(db, fields({{"http.realm", "Archer AX55"}}))), std::vector<std::string>{"generic-a"});
  std::vector<std::string> order;
  for (const Rule& rule : db.rules()) order.push_back(rule.id);
  EXPECT_EQ(order, (std::vector<std::string>{"model", "generic-a", "generic-b", "panel", "family"}));
  EXPECT_EQ(db.count_by_category(), (std::map<std::string, std::size_t>{{"admin-panel", 1}, {"router", 4}}));
  EXPECT_EQ(db.example_count(), 5u);
}

TEST(FingerprintPrecedence, LoadOrderSpansFilesInTheGivenOrder) {
  const std::string a = one_rule("{field: http.title, contains: Box}");
  std::string b = a;
  b.replace(b.find("id: r"), 5, "id: s");
  auto db = RuleDatabase::load({{"a.yaml", a}, {"b.yaml", b}});
  ASSERT_TRUE(db);
  EXPECT_EQ(ids(run(*db, fields({{"http.title", "FRITZ!Box"}}))), std::vector<std::string>{"r"});
  db = RuleDatabase::load({{"b.yaml", b}, {"a.yaml", a}});
  ASSERT_TRUE(db);
  EXPECT_EQ(ids(run(*db, fields({{"http.title", "FRITZ!Box"}}))), std::vector<std::string>{"s"});
}

TEST(FingerprintSelfTest, ReportsEachKindOfFailureAtTheExampleLine) {
  const RuleDatabase db = must_load(kPrecedence);
  const auto failures = db.self_test();
  // family's example is claimed by generic-a; generic-b's by generic-a.
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_EQ(failures[0].rule_id, "generic-b");
  EXPECT_EQ(failures[0].file, "t.yaml");
  EXPECT_EQ(failures[0].line, 26);
  EXPECT_NE(failures[0].reason.find("claimed first by rule 'generic-a' (t.yaml:12"), std::string::npos)
      << failures[0].reason;
  EXPECT_EQ(failures[1].rule_id, "family");
  EXPECT_EQ(failures[1].line, 10);

  const RuleDatabase wrong = must_load(R"(rules:
  - id: r
    category: router
    vendor: V
    product: "P{n}"
    confidence: 50
    match: {field: http.title, regex: 'x(?<n>\d)'}
    examples:
      - fields: {http.title: x1}
        expect: {vendor: V, product: P2, version: "", device: router, category: router}
      - fields: {http.title: y1}
        expect: {vendor: V}
)");
  const auto f = wrong.self_test();
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].line, 9);
  EXPECT_EQ(f[0].reason, "expected product 'P2', got 'P1'");
  EXPECT_EQ(f[1].reason, "expected device 'router', got ''");
  EXPECT_EQ(f[2].line, 11);
  EXPECT_EQ(f[2].reason, "example does not match its rule");
}

TEST(FingerprintLoad, ErrorsNameFileLineAndReason) {
  struct Case {
    std::string yaml;
    std::string expected;  // a substring of the message, which starts "t.yaml:LINE: "
  };
  const std::string head = "rules:\n  - id: r\n    category: router\n    confidence: 50\n";
  const std::string match = "    match: {field: http.title, contains: x}\n";
  const std::string examples = "    examples:\n      - fields: {http.title: x}\n        expect: {category: router}\n";
  const std::vector<Case> cases = {
      {"- just a list\n", "t.yaml:1: a rule file is a mapping"},
      {"rules: []\nextra: 1\n", "t.yaml:2: rule file: unknown key 'extra'"},
      {"rules: {id: r}\n", "t.yaml:1: 'rules' must be a list"},
      {"rules:\n  - just text\n", "t.yaml:2: a rule must be a mapping"},
      {"rules:\n  - category: router\n", "t.yaml:2: rule: missing 'id'"},
      {"rules:\n  - id: Bad_Id\n", "t.yaml:2: rule: bad id 'Bad_Id'"},
      {head + match + examples + "    vendr: X\n", "t.yaml:9: rule 'r': unknown key 'vendr'"},
      {head + match + examples + "    confidence: 60\n", "t.yaml:9: rule 'r': key 'confidence' given twice"},
      {"rules:\n  - id: r\n    confidence: 50\n" + match + examples, "t.yaml:2: rule 'r': missing 'category'"},
      {head + examples, "t.yaml:2: rule 'r': missing 'match'"},
      {head + match, "t.yaml:2: rule 'r': missing 'examples'"},
      {head + match + "    examples: []\n", "t.yaml:6: rule 'r': 'examples' must be a non-empty list"},
      {"rules:\n  - id: r\n    category: printer\n", "t.yaml:3: rule 'r': bad category 'printer'"},
      {"rules:\n  - id: r\n    category: router\n" + match + examples, "t.yaml:2: rule 'r': missing 'confidence'"},
      {"rules:\n  - id: r\n    category: router\n    confidence: 101\n",
       "t.yaml:4: rule 'r': confidence 101 is outside"},
      {"rules:\n  - id: r\n    category: router\n    confidence: 0\n", "confidence 0 is outside 1..100"},
      {"rules:\n  - id: r\n    category: router\n    confidence: high\n",
       "t.yaml:4: rule 'r': 'confidence' must be an integer"},
      {head + "    cpe: 'cpe:2.3:h:tp-link:archer_c7'\n", "t.yaml:5: rule 'r': bad CPE 'cpe:2.3:h:tp-link:archer_c7'"},
      {head + "    cpe: 'cpe:2.3:x:a:b:-:*:*:*:*:*:*:*'\n", "t.yaml:5: rule 'r': bad CPE"},
      {head + "    cpe: 'cpe:/h:tp-link:archer_c7'\n", "bad CPE"},
      {head + "    device: toaster\n", "t.yaml:5: rule 'r': bad device 'toaster'"},
      {head + "    product: 'Archer {model}'\n" + match + examples,
       "t.yaml:5: rule 'r': product uses {model}, but no regex of the rule captures (?<model>"},
      {head + "    version: '{v}'\n    match: {field: http.title, regex: '(?<w>x)'}\n" + examples,
       "t.yaml:5: rule 'r': version uses {v}"},
      {head + "    match: {field: http.titel, contains: x}\n" + examples,
       "t.yaml:5: rule 'r': unknown field 'http.titel'"},
      {head + "    match: {field: fp.category, equals: vpn}\n" + examples, "unknown field 'fp.category'"},
      {head + "    match: {field: http.headers.X-Foo, equals: a}\n" + examples, "unknown field 'http.headers.X-Foo'"},
      {head + "    match: {field: http.title}\n" + examples,
       "t.yaml:5: rule 'r': the test on 'http.title' needs one of"},
      {head + "    match: {field: http.title, contains: a, equals: b}\n" + examples,
       "not both 'contains' and 'equals'"},
      {head + "    match: {field: http.title, contains: ''}\n" + examples, "t.yaml:5: rule 'r': 'contains' is empty"},
      {head + "    match: {field: http.title, exists: maybe}\n" + examples, "'exists' must be true or false"},
      {head + "    match: {field: http.title, contains: x, nocase: 2}\n" + examples, "'nocase' must be true or false"},
      {head + "    match: {all: []}\n" + examples, "t.yaml:5: rule 'r': 'all' needs a non-empty list"},
      {head + "    match: {either: []}\n" + examples, "t.yaml:5: rule 'r': unknown condition 'either'"},
      {head + "    match: {all: [{field: http.title, contains: x}], any: []}\n" + examples, "a condition is a test"},
      {head + "    match: [a]\n" + examples, "t.yaml:5: rule 'r': a condition must be a mapping"},
      {head + match + "    examples:\n      - fields: {http.title: x}\n",
       "t.yaml:7: rule 'r': example: missing 'expect'"},
      {head + match + "    examples:\n      - expect: {vendor: V}\n", "t.yaml:7: rule 'r': example: 'fields' must be"},
      {head + match + "    examples:\n      - fields: {http.titel: x}\n        expect: {vendor: V}\n",
       "t.yaml:7: rule 'r': example: unknown field 'http.titel'"},
      {head + match + "    examples:\n      - fields: {http.title: x}\n        expect: {model: V}\n",
       "t.yaml:8: rule 'r': example: unknown expect key 'model'"},
      {head + match + "    examples:\n      - fields: {http.title: {a: b}}\n        expect: {vendor: V}\n",
       "'http.title' must be a string or a list of strings"},
      {"rules:\n  - id: r\n    category: [router\n", "t.yaml:"},
      {head + "    tags: consumer\n", "t.yaml:5: rule 'r': 'tags' must be a list"},
  };
  for (const Case& c : cases) {
    const std::string message = load_error(c.yaml);
    EXPECT_NE(message.find(c.expected), std::string::npos) << "message: " << message << "\nexpected: " << c.expected;
    EXPECT_TRUE(message.starts_with("t.yaml:")) << message;
  }
}

TEST(FingerprintLoad, DeeplyNestedConditionIsRefused) {
  std::string match;
  for (int i = 0; i < 40; ++i) match += "{not: ";
  match += "{field: http.title, contains: x}";
  for (int i = 0; i < 40; ++i) match += "}";
  EXPECT_NE(load_error(one_rule(match)).find("nested deeper than"), std::string::npos);
}

TEST(FingerprintLoad, BrokenRegexGivesPcre2Message) {
  const std::string message = load_error(one_rule("{field: http.title, regex: 'Archer (C\\d+'}"));
  EXPECT_TRUE(message.starts_with("t.yaml:7: rule 'r': regex 'Archer (C\\d+': ")) << message;
  EXPECT_NE(message.find("missing closing parenthesis"), std::string::npos) << message;
  EXPECT_NE(load_error(one_rule("{field: http.title, regex: 'a{2,1}'}")).find("numbers out of order"),
            std::string::npos);
}

TEST(FingerprintLoad, DuplicateIdNamesBothPlaces) {
  const std::string rule = one_rule("{field: http.title, contains: x}");
  auto db = RuleDatabase::load({{"rules/a.yaml", rule}, {"rules/b.yaml", "# a comment line\n" + rule}});
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().message, "rules/b.yaml:3: duplicate rule id 'r' (first defined at rules/a.yaml:2)");
  EXPECT_EQ(db.error().kind, Error::Kind::invalid_input);
}

TEST(FingerprintLoad, NothingHalfLoaded) {
  const std::string good = one_rule("{field: http.title, contains: x}");
  EXPECT_TRUE(RuleDatabase::load({{"a.yaml", good}}));
  EXPECT_FALSE(RuleDatabase::load({{"a.yaml", good}, {"b.yaml", "rules: [1]"}}));
  auto empty = RuleDatabase::load({});
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->rule_count(), 0u);
  EXPECT_TRUE(run(*empty, fields({{"http.title", "x"}})).empty());
}

TEST(FingerprintLoad, DirectoryInPathOrder) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "fde-rules";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "routers");
  const auto write = [&](const std::filesystem::path& path, const std::string& text) {
    std::ofstream(dir / path) << text;
  };
  std::string a = one_rule("{field: http.title, contains: x}");
  std::string b = a;
  b.replace(b.find("id: r"), 5, "id: s");
  write("routers/zz.yaml", a);
  write("proxies.yaml", b);
  write("notes.txt", "not a rule file");
  auto db = RuleDatabase::load_directory(dir);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ(db->rules()[0].id, "s");  // proxies.yaml < routers/zz.yaml
  EXPECT_EQ(db->rules()[0].file, (dir / "proxies.yaml").generic_string());
  write("routers/bad.yaml", "rules:\n  - id: q\n    category: nope\n");
  db = RuleDatabase::load_directory(dir);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().message.rfind((dir / "routers/bad.yaml").generic_string() + ":3: rule 'q': bad category", 0), 0u)
      << db.error().message;
  std::filesystem::remove_all(dir);
  EXPECT_FALSE(RuleDatabase::load_directory(dir));
  std::filesystem::create_directories(dir);
  EXPECT_NE(RuleDatabase::load_directory(dir).error().message.find("no *.yaml rule files"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(FingerprintMatch, CatastrophicBacktrackingEndsAsNoMatch) {
  const RuleDatabase db = must_load(one_rule("{field: http.body, regex: '(a+)+$'}"));
  std::uint64_t limit_hits = 0;
  const auto out = run(db, fields({{"http.body", std::string(4096, 'a') + "b"}}), &limit_hits);
  EXPECT_TRUE(out.empty());
  EXPECT_GT(limit_hits, 0u);
  // A later value of the same field is still tried.
  FieldSet two;
  two.add("http.body", std::string(64, 'a') + "b");
  two.add("http.body", "aaa");
  EXPECT_EQ(run(db, two, &limit_hits).size(), 1u);
  EXPECT_GT(limit_hits, 0u);
}

TEST(FingerprintMatch, EmbeddedDatabaseLoadsAndPassesItsSelfTest) {
  auto db = RuleDatabase::load_embedded();
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_GT(db->rule_count(), 0u);
  EXPECT_EQ(db->name(), "fumidai");
  for (const auto& f : db->self_test())
    ADD_FAILURE() << f.file << ":" << f.line << ": " << f.rule_id << ": " << f.reason;
  const auto out = run(*db, fields({{"ssh.banner", "SSH-2.0-dropbear_2019.78"}}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, "dropbear");
  EXPECT_EQ(out[0].version, "2019.78");
}

}  // namespace
