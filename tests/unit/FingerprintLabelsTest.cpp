// Risk labels (labels.yaml) and the end-of-life list (eol.yaml): evaluation,
// load errors with file and line, the self-test, and the shipped files.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "fumidai/fingerprints/EolList.h"
#include "fumidai/fingerprints/LabelSet.h"

using namespace fumidai;
using namespace fumidai::fingerprints;

namespace {

constexpr std::string_view kLabels = R"(labels:
  - id: vpn-on-consumer-router
    severity: high
    title: VPN on a router
    advice: |
      Change passwords.
    when:
      all:
        - {field: fp.category, equals: vpn}
        - {field: host.fp.category, equals: router}
    examples:
      - fields: {fp.category: [vpn, router], host.fp.category: [vpn, router]}
        expect: true
      - fields: {fp.category: vpn, host.fp.category: vpn}
        expect: false
  - id: telnet-exposed
    severity: medium
    title: Telnet
    advice: Turn it off.
    when: {field: service.protocol, equals: telnet}
    examples:
      - fields: {service.protocol: telnet}
        expect: true
      - fields: {service.protocol: ssh}
        expect: false
)";

std::vector<std::string> ids(const std::vector<const Label*>& labels) {
  std::vector<std::string> out;
  for (const Label* label : labels) out.push_back(label->id);
  return out;
}

TEST(LabelSet, EvaluatesInFileOrder) {
  auto set = LabelSet::load(kLabels, "labels.yaml");
  ASSERT_TRUE(set) << set.error().message;
  ASSERT_EQ(set->labels().size(), 2u);
  EXPECT_EQ(set->labels()[0].severity, "high");
  EXPECT_EQ(set->labels()[0].advice, "Change passwords.");
  EXPECT_EQ(set->example_count(), 4u);
  EXPECT_TRUE(set->self_test().empty());
  MatchScratch scratch;
  FieldSet f;
  f.add("service.protocol", "telnet");
  f.add("fp.category", "vpn");
  f.add("host.fp.category", "vpn");
  f.add("host.fp.category", "router");
  EXPECT_EQ(ids(set->evaluate(f, scratch)), (std::vector<std::string>{"vpn-on-consumer-router", "telnet-exposed"}));
  EXPECT_TRUE(set->evaluate(FieldSet(), scratch).empty());
}

TEST(LabelSet, SelfTestFindsWrongVerdictsAndOneSidedExamples) {
  std::string text(kLabels);
  text.replace(text.find("expect: false\n  - id: telnet"), 13, "expect: true");
  text = text.substr(0, text.find("      - fields: {service.protocol: ssh}"));
  auto set = LabelSet::load(text, "labels.yaml");
  ASSERT_TRUE(set) << set.error().message;
  const auto failures = set->self_test();
  ASSERT_EQ(failures.size(), 3u);
  EXPECT_EQ(failures[0].file, "labels.yaml");
  EXPECT_EQ(failures[0].line, 14);
  EXPECT_EQ(failures[0].rule_id, "vpn-on-consumer-router");
  EXPECT_EQ(failures[0].reason, "example should be labelled but is not");
  EXPECT_EQ(failures[1].line, 2);
  EXPECT_EQ(failures[1].reason, "needs an example that is labelled and one that is not");
  EXPECT_EQ(failures[2].line, 16);
  EXPECT_EQ(failures[2].rule_id, "telnet-exposed");
  EXPECT_EQ(failures[2].reason, "needs an example that is labelled and one that is not");
}

TEST(LabelSet, LoadErrorsNameFileAndLine) {
  const std::string head = "labels:\n  - id: x\n    severity: high\n    title: T\n    advice: A\n";
  const std::string examples = "    examples:\n      - fields: {service.protocol: telnet}\n        expect: true\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"labels: {}\n", "l.yaml:1: 'labels' must be a list"},
      {"labelz: []\n", "l.yaml:1: labels file: unknown key 'labelz'"},
      {"labels:\n  - id: X!\n", "l.yaml:2: label: bad id 'X!'"},
      {"labels:\n  - id: x\n    severity: severe\n    title: T\n    advice: A\n",
       "l.yaml:3: label 'x': bad severity 'severe'"},
      {"labels:\n  - id: x\n    severity: high\n    advice: A\n", "l.yaml:2: label 'x': missing 'title'"},
      {head + examples, "l.yaml:2: label 'x': missing 'when'"},
      {head + "    when: {field: fp.model, equals: a}\n" + examples, "l.yaml:6: label 'x': unknown field 'fp.model'"},
      {head + "    when: {field: host.fp.vendor, regex: '('}\n" + examples, "missing closing parenthesis"},
      {head + "    when: {field: fp.eol, equals: 'true'}\n", "l.yaml:2: label 'x': missing 'examples'"},
      {head + "    when: {field: fp.eol, equals: 'true'}\n    examples:\n      - fields: {fp.eol: 'true'}\n",
       "l.yaml:8: label 'x': example: missing 'expect'"},
      {head + "    when: {field: fp.eol, equals: 'true'}\n" + examples + "    color: red\n",
       "l.yaml:10: label 'x': unknown key 'color'"},
      {head + "    translations: {EN: {title: T, advice: A}}\n    when: {field: fp.eol, equals: 'true'}\n" + examples,
       "l.yaml:6: label 'x': bad translation language 'EN'"},
      {head + "    translations: {ja: {title: T}}\n    when: {field: fp.eol, equals: 'true'}\n" + examples,
       "l.yaml:6: label 'x' translation 'ja': missing 'advice'"},
      {std::string(kLabels) + std::string(kLabels.substr(kLabels.find("  - id: telnet-exposed"))),
       "l.yaml:26: duplicate label id 'telnet-exposed' (first defined at l.yaml:16)"},
  };
  for (const auto& [yaml, expected] : cases) {
    auto set = LabelSet::load(yaml, "l.yaml");
    ASSERT_FALSE(set) << yaml;
    EXPECT_NE(set.error().message.find(expected), std::string::npos)
        << "message: " << set.error().message << "\nexpected: " << expected;
  }
}

TEST(LabelSet, ShippedLabelsPassTheirSelfTest) {
  auto set = LabelSet::load_embedded();
  ASSERT_TRUE(set) << set.error().message;
  for (const auto& f : set->self_test())
    ADD_FAILURE() << f.file << ":" << f.line << ": " << f.rule_id << ": " << f.reason;
  std::vector<std::string> names;
  for (const Label& label : set->labels()) {
    names.push_back(label.id);
    EXPECT_FALSE(label.advice.empty());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"admin-panel-exposed", "vpn-on-consumer-router", "open-proxy",
                                             "proxy-auth-required", "cwmp-exposed", "upnp-wan-exposed",
                                             "telnet-exposed", "eol-model"}));
}

// Letters in Japanese need every shipped label in Japanese.
TEST(LabelSet, ShippedLabelsSpeakEnglishAndJapanese) {
  auto set = LabelSet::load_embedded();
  ASSERT_TRUE(set) << set.error().message;
  for (const auto& label : set->labels()) {
    for (const char* language : {"en", "ja"}) {
      const auto text = label.text(language);
      ASSERT_TRUE(text.has_value()) << label.id << " has no text in " << language;
      EXPECT_FALSE(text->title.empty()) << label.id;
      EXPECT_FALSE(text->advice.empty()) << label.id;
      EXPECT_NE(text->advice.back(), '\n') << label.id;
    }
  }
  EXPECT_FALSE(set->labels().front().text("fr").has_value());
}

TEST(EolList, AnnotatesByVendorAndProductIgnoringCase) {
  auto list = EolList::load(R"(eol:
  - vendor: D-Link
    product: DIR-825
    date: "2019-08"
    source: "https://support.example/dir-825"
  - vendor: Linksys
    product_regex: '^WRT54G(L|S)?$'
    date: announced
    source: "https://support.example/wrt54g"
)",
                            "eol.yaml");
  ASSERT_TRUE(list) << list.error().message;
  EXPECT_EQ(list->size(), 2u);
  MatchScratch scratch;
  Fingerprint fp;
  fp.vendor = "d-link";
  fp.product = "dir-825";
  list->annotate(fp, scratch);
  EXPECT_EQ(fp.eol_date, "2019-08");
  EXPECT_EQ(fp.eol_source, "https://support.example/dir-825");
  const auto fingerprint = [](std::string vendor, std::string product) {
    Fingerprint out;
    out.vendor = std::move(vendor);
    out.product = std::move(product);
    return out;
  };
  Fingerprint gl = fingerprint("Linksys", "wrt54gl");
  list->annotate(gl, scratch);
  EXPECT_EQ(gl.eol_date, "announced");
  for (Fingerprint other : {fingerprint("Linksys", "WRT54GX"), fingerprint("Netgear", "DIR-825"),
                            fingerprint("D-Link", "DIR-8250"), fingerprint("", "DIR-825")}) {
    list->annotate(other, scratch);
    EXPECT_TRUE(other.eol_date.empty()) << other.vendor << " " << other.product;
    EXPECT_TRUE(other.eol_source.empty());
  }
}

TEST(EolList, LoadErrorsNameFileAndLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"eol:\n  - vendor: A\n    product: B\n    date: 2019-13\n    source: https://x\n",
       "e.yaml:4: eol entry: bad date '2019-13'"},
      {"eol:\n  - vendor: A\n    product: B\n    date: soon\n    source: https://x\n", "bad date 'soon'"},
      {"eol:\n  - vendor: A\n    product: B\n    date: '2020'\n", "e.yaml:2: eol entry: missing 'source'"},
      {"eol:\n  - vendor: A\n    product: B\n    date: '2020'\n    source: vendor said so\n",
       "e.yaml:5: eol entry: source 'vendor said so' is not an http(s) URL"},
      {"eol:\n  - vendor: A\n    date: '2020'\n    source: https://x\n",
       "e.yaml:2: eol entry: give one of 'product' and 'product_regex'"},
      {"eol:\n  - vendor: A\n    product: B\n    product_regex: B\n    date: '2020'\n    source: https://x\n",
       "give one of"},
      {"eol:\n  - vendor: A\n    product_regex: 'B('\n    date: '2020'\n    source: https://x\n",
       "e.yaml:3: eol entry: product_regex 'B(': "},
      {"eol:\n  - product: B\n    date: '2020'\n    source: https://x\n", "e.yaml:2: eol entry: missing 'vendor'"},
      {"eol:\n  - vendor: A\n    model: B\n", "e.yaml:3: eol entry: unknown key 'model'"},
      {"rules: []\n", "e.yaml:1: EOL file: unknown key 'rules'"},
  };
  for (const auto& [yaml, expected] : cases) {
    auto list = EolList::load(yaml, "e.yaml");
    ASSERT_FALSE(list) << yaml;
    EXPECT_NE(list.error().message.find(expected), std::string::npos)
        << "message: " << list.error().message << "\nexpected: " << expected;
  }
  auto empty = EolList::load("eol:\n", "e.yaml");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->size(), 0u);
}

TEST(EolList, ShippedListLoads) {
  auto list = EolList::load_embedded();
  ASSERT_TRUE(list) << list.error().message;
  EXPECT_GT(list->size(), 0u);
}

}  // namespace
