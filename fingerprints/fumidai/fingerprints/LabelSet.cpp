#include "fumidai/fingerprints/LabelSet.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "fumidai/fingerprints/ConditionParser.h"
#include "fumidai/fingerprints/YamlReader.h"

namespace fumidai::embedded {
extern const std::string_view fingerprint_labels_yaml;
}

namespace fumidai::fingerprints {

namespace {

constexpr std::array<std::string_view, 5> kSeverities = {"critical", "high", "medium", "low", "info"};
constexpr std::size_t kMaxExamples = 100;

bool valid_label_id(std::string_view id) {
  return !id.empty() && id.size() <= 100 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

Result<FieldSet> parse_fields(const YamlReader& reader, const YAML::Node& parent, std::string_view what) {
  const YAML::Node fields = parent["fields"];
  if (!fields || !fields.IsMap()) {
    return reader.error(YamlReader::line(fields, parent), fmt::format("{}: 'fields' must be a mapping of field names "
                                                                      "to values",
                                                                      what));
  }
  FieldSet out;
  for (const auto& entry : fields) {
    const std::string name = entry.first.Scalar();
    if (!FieldNames::known(name, FieldScope::label)) {
      return reader.error(entry.first, fmt::format("{}: unknown field '{}'", what, name));
    }
    if (entry.second.IsScalar()) {
      out.add(name, entry.second.Scalar());
      continue;
    }
    if (!entry.second.IsSequence()) {
      return reader.error(YamlReader::line(entry.second, entry.first),
                          fmt::format("{}: '{}' must be a string or a list of strings", what, name));
    }
    for (const auto& value : entry.second) {
      if (!value.IsScalar()) {
        return reader.error(YamlReader::line(value, entry.second),
                            fmt::format("{}: '{}' must be a string or a list of strings", what, name));
      }
      out.add(name, value.Scalar());
    }
  }
  return out;
}

// translations: {LANG: {title: ..., advice: ...}}: what a letter in LANG says.
Result<std::map<std::string, LabelText>> parse_translations(const YamlReader& reader, const YAML::Node& node,
                                                            const std::string& what) {
  std::map<std::string, LabelText> out;
  const YAML::Node translations = node["translations"];
  if (!translations) return out;
  if (!translations.IsMap())
    return reader.error(translations, fmt::format("{}: 'translations' must be a mapping", what));
  for (const auto& entry : translations) {
    const std::string language = entry.first.Scalar();
    const bool valid_language =
        language.size() >= 2 && language.size() <= 8 &&
        std::all_of(language.begin(), language.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '-'; });
    if (!valid_language || language == "en") {
      return reader.error(entry.first, fmt::format("{}: bad translation language '{}' (a lower-case code other than "
                                                   "en, whose text is title and advice)",
                                                   what, language));
    }
    const std::string where = fmt::format("{} translation '{}'", what, language);
    if (auto ok = reader.check_mapping(entry.second, {"title", "advice"}, where); !ok) return ok.error();
    LabelText text;
    for (auto [key, field] : {std::pair{"title", &text.title}, std::pair{"advice", &text.advice}}) {
      auto value = reader.scalar(entry.second, key, where);
      if (!value) return value.error();
      if (!*value) return reader.error(entry.second, fmt::format("{}: missing '{}'", where, key));
      *field = std::move(**value);
    }
    while (!text.advice.empty() && text.advice.back() == '\n') text.advice.pop_back();
    out.emplace(language, std::move(text));
  }
  return out;
}

Result<LabelSet::Definition> parse_definition(const YamlReader& reader, const YAML::Node& node, Label& label) {
  LabelSet::Definition definition;
  definition.file = reader.file();
  definition.line = YamlReader::line(node, node);
  auto id = reader.scalar(node, "id", "label");
  if (!id) return id.error();
  if (!*id) return reader.error(node, "label: missing 'id'");
  if (!valid_label_id(**id)) {
    return reader.error(node["id"], fmt::format("label: bad id '{}' (lower-case letters, digits and '-')", **id));
  }
  label.id = **id;
  const std::string what = fmt::format("label '{}'", label.id);
  if (auto ok =
          reader.check_mapping(node, {"id", "severity", "title", "advice", "translations", "when", "examples"}, what);
      !ok) {
    return ok.error();
  }
  for (auto [key, out] :
       {std::pair{"severity", &label.severity}, std::pair{"title", &label.title}, std::pair{"advice", &label.advice}}) {
    auto value = reader.scalar(node, key, what);
    if (!value) return value.error();
    if (!*value) return reader.error(node, fmt::format("{}: missing '{}'", what, key));
    *out = std::move(**value);
  }
  if (std::find(kSeverities.begin(), kSeverities.end(), label.severity) == kSeverities.end()) {
    return reader.error(node["severity"], fmt::format("{}: bad severity '{}' (critical, high, medium, low or info)",
                                                      what, label.severity));
  }
  // Advice goes into letters as plain text: no trailing newline from a
  // YAML block scalar.
  while (!label.advice.empty() && label.advice.back() == '\n') label.advice.pop_back();
  if (auto translations = parse_translations(reader, node, what); translations) {
    label.translations = std::move(*translations);
  } else {
    return translations.error();
  }

  const YAML::Node when = node["when"];
  if (!when) return reader.error(node, fmt::format("{}: missing 'when'", what));
  auto condition = ConditionParser(reader, FieldScope::label).parse(when, what);
  if (!condition) return condition.error();
  definition.when = std::move(*condition);

  const YAML::Node examples = node["examples"];
  if (!examples) return reader.error(node, fmt::format("{}: missing 'examples'", what));
  if (!examples.IsSequence() || examples.size() == 0 || examples.size() > kMaxExamples) {
    return reader.error(examples, fmt::format("{}: 'examples' must be a list of 1 to {} examples", what, kMaxExamples));
  }
  for (const auto& item : examples) {
    const std::string where = fmt::format("{}: example", what);
    if (auto ok = reader.check_mapping(item, {"fields", "expect"}, where); !ok) return ok.error();
    LabelSet::Example example;
    example.line = YamlReader::line(item, examples);
    auto fields = parse_fields(reader, item, where);
    if (!fields) return fields.error();
    example.fields = std::move(*fields);
    auto expect = reader.boolean(item, "expect", where);
    if (!expect) return expect.error();
    if (!*expect) return reader.error(item, fmt::format("{}: missing 'expect' (true or false)", where));
    example.expect = **expect;
    definition.examples.push_back(std::move(example));
  }
  return definition;
}

}  // namespace

Result<LabelSet> LabelSet::load(std::string_view text, std::string_view name) {
  const YamlReader reader(name);
  try {
    auto document = reader.parse(text);
    if (!document) return document.error();
    const YAML::Node& root = *document;
    if (auto ok = reader.check_mapping(root, {"labels"}, "labels file"); !ok) return ok.error();
    const YAML::Node list = root["labels"];
    if (!list || !list.IsSequence()) {
      return reader.error(YamlReader::line(list, root), "'labels' must be a list of labels");
    }
    if (list.size() > kMaxLabels)
      return reader.error(list, fmt::format("{} labels; at most {}", list.size(), kMaxLabels));
    std::vector<Label> labels;
    std::vector<Definition> definitions;
    for (const auto& node : list) {
      if (!node.IsMap()) return reader.error(node, "a label must be a mapping");
      Label label;
      auto definition = parse_definition(reader, node, label);
      if (!definition) return definition.error();
      const auto same = std::find_if(labels.begin(), labels.end(), [&](const Label& l) { return l.id == label.id; });
      if (same != labels.end()) {
        return reader.error(definition->line,
                            fmt::format("duplicate label id '{}' (first defined at {}:{})", label.id, name,
                                        definitions[static_cast<std::size_t>(same - labels.begin())].line));
      }
      labels.push_back(std::move(label));
      definitions.push_back(std::move(*definition));
    }
    return LabelSet(std::move(labels), std::move(definitions));
  } catch (const YAML::Exception& e) {
    return make_input_error(fmt::format("{}:{}: YAML: {}", name, e.mark.line + 1, e.msg));
  }
}

std::optional<LabelText> Label::text(std::string_view language) const {
  if (language == "en") return LabelText{title, advice};
  const auto it = translations.find(std::string(language));
  if (it == translations.end()) return std::nullopt;
  return it->second;
}

Result<LabelSet> LabelSet::load_embedded() {
  return load(embedded::fingerprint_labels_yaml, "fingerprints/labels.yaml");
}

std::vector<const Label*> LabelSet::evaluate(const FieldSet& fields, MatchScratch& scratch) const {
  std::uint64_t limit_hits = 0;
  return evaluate(fields, scratch, limit_hits);
}

std::vector<const Label*> LabelSet::evaluate(const FieldSet& fields, MatchScratch& scratch,
                                             std::uint64_t& limit_hits) const {
  std::vector<const Label*> out;
  CaptureList captures;
  Pattern::Captures groups;
  Condition::Context context{fields, scratch, limit_hits, captures, groups};
  for (std::size_t i = 0; i < labels_.size(); ++i) {
    captures.clear();
    if (definitions_[i].when.evaluate(context)) out.push_back(&labels_[i]);
  }
  return out;
}

std::size_t LabelSet::example_count() const {
  std::size_t n = 0;
  for (const Definition& definition : definitions_) n += definition.examples.size();
  return n;
}

std::vector<SelfTestFailure> LabelSet::self_test() const {
  std::vector<SelfTestFailure> failures;
  MatchScratch scratch;
  for (std::size_t i = 0; i < labels_.size(); ++i) {
    const Definition& definition = definitions_[i];
    bool positive = false;
    bool negative = false;
    for (const Example& example : definition.examples) {
      positive = positive || example.expect;
      negative = negative || !example.expect;
      const auto found = evaluate(example.fields, scratch);
      const bool labelled = std::find(found.begin(), found.end(), &labels_[i]) != found.end();
      if (labelled != example.expect) {
        failures.push_back(
            {definition.file, example.line, labels_[i].id,
             example.expect ? "example should be labelled but is not" : "example should not be labelled but is"});
      }
    }
    if (!positive || !negative) {
      failures.push_back(
          {definition.file, definition.line, labels_[i].id, "needs an example that is labelled and one that is not"});
    }
  }
  return failures;
}

}  // namespace fumidai::fingerprints
