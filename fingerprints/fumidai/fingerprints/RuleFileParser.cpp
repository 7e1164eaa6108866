#include "fumidai/fingerprints/RuleFileParser.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "fumidai/fingerprints/ConditionParser.h"
#include "fumidai/fingerprints/YamlReader.h"

namespace fumidai::fingerprints {

namespace {

constexpr std::size_t kMaxIdBytes = 100;
constexpr int kMaxPriority = 1000;
constexpr std::array<std::string_view, 6> kExpectKeys = {"vendor", "product", "version", "device", "cpe", "category"};

bool valid_rule_id(std::string_view id) {
  const auto ok = [](char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (!first && (c == '.' || c == '-'));
  };
  if (id.empty() || id.size() > kMaxIdBytes || !ok(id.front(), true)) return false;
  return std::all_of(id.begin() + 1, id.end(), [&](char c) { return ok(c, false); });
}

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

class Parser {
 public:
  explicit Parser(std::string_view file) : reader_(file) {}

  Result<std::vector<Rule>> parse(std::string_view text) {
    auto document = reader_.parse(text);
    if (!document) return document.error();
    const YAML::Node& root = *document;
    if (!root.IsMap()) return reader_.error(root, "a rule file is a mapping with one key, 'rules'");
    if (auto ok = reader_.check_mapping(root, {"rules"}, "rule file"); !ok) return ok.error();
    const YAML::Node list = root["rules"];
    if (!list || !list.IsSequence()) {
      return reader_.error(YamlReader::line(list, root), "'rules' must be a list of rules");
    }
    if (list.size() > RuleFileParser::kMaxRulesPerFile) {
      return reader_.error(list,
                           fmt::format("{} rules; at most {} per file", list.size(), RuleFileParser::kMaxRulesPerFile));
    }
    std::vector<Rule> rules;
    rules.reserve(list.size());
    for (const auto& node : list) {
      auto rule = parse_rule(node);
      if (!rule) return rule.error();
      rules.push_back(std::move(*rule));
    }
    return rules;
  }

 private:
  Result<Rule> parse_rule(const YAML::Node& node) {
    if (!node.IsMap()) return reader_.error(node, "a rule must be a mapping");
    Rule rule;
    rule.file = reader_.file();
    rule.line = YamlReader::line(node, node);

    auto id = reader_.scalar(node, "id", "rule");
    if (!id) return id.error();
    if (!*id) return reader_.error(node, "rule: missing 'id'");
    if (!valid_rule_id(**id)) {
      return reader_.error(node["id"], fmt::format("rule: bad id '{}' (lower-case letters, digits, '.' and '-', "
                                                   "starting with a letter or digit, at most {} bytes)",
                                                   **id, kMaxIdBytes));
    }
    rule.id = **id;
    const std::string what = fmt::format("rule '{}'", rule.id);
    if (auto ok = reader_.check_mapping(node,
                                        {"id", "category", "vendor", "product", "version", "device", "cpe",
                                         "confidence", "priority", "tags", "match", "examples"},
                                        what);
        !ok) {
      return ok.error();
    }

    auto category = reader_.scalar(node, "category", what);
    if (!category) return category.error();
    if (!*category) return reader_.error(node, fmt::format("{}: missing 'category'", what));
    const auto category_it = std::find(Rule::kCategories.begin(), Rule::kCategories.end(), **category);
    if (category_it == Rule::kCategories.end()) {
      return reader_.error(node["category"],
                           fmt::format("{}: bad category '{}' (router, admin-panel, vpn, proxy, remote-access or "
                                       "other)",
                                       what, **category));
    }
    rule.category = **category;
    rule.category_index = static_cast<std::size_t>(category_it - Rule::kCategories.begin());

    std::vector<std::pair<std::string, OutputTemplate*>> outputs = {{"vendor", &rule.vendor},
                                                                    {"product", &rule.product},
                                                                    {"version", &rule.version},
                                                                    {"device", &rule.device},
                                                                    {"cpe", &rule.cpe}};
    for (auto& [key, output] : outputs) {
      auto text = reader_.scalar(node, key, what);
      if (!text) return text.error();
      if (!*text) continue;
      *output = OutputTemplate(**text, key == "cpe" ? OutputTemplate::Escape::cpe : OutputTemplate::Escape::none);
      if (key == "device" && output->names().empty() && !one_of(Rule::kDevices, **text)) {
        return reader_.error(node[key], fmt::format("{}: bad device '{}' (router, wap, modem, ont, firewall, nas, "
                                                    "camera, vpn-gateway, proxy or server)",
                                                    what, **text));
      }
      if (key == "cpe" && !RuleFileParser::valid_cpe(**text)) {
        return reader_.error(node[key], fmt::format("{}: bad CPE '{}' (expected cpe:2.3:PART:VENDOR:PRODUCT:VERSION "
                                                    "and 7 more components, PART a, o or h)",
                                                    what, **text));
      }
    }

    auto confidence = reader_.integer(node, "confidence", what);
    if (!confidence) return confidence.error();
    if (!*confidence) return reader_.error(node, fmt::format("{}: missing 'confidence' (1..100)", what));
    if (**confidence < 1 || **confidence > 100) {
      return reader_.error(node["confidence"], fmt::format("{}: confidence {} is outside 1..100", what, **confidence));
    }
    rule.confidence = **confidence;
    auto priority = reader_.integer(node, "priority", what);
    if (!priority) return priority.error();
    rule.priority = priority->value_or(Rule::kDefaultPriority);
    if (rule.priority < 0 || rule.priority > kMaxPriority) {
      return reader_.error(node["priority"],
                           fmt::format("{}: priority {} is outside 0..{}", what, rule.priority, kMaxPriority));
    }

    if (const YAML::Node tags = node["tags"]; tags) {
      if (!tags.IsSequence()) return reader_.error(tags, fmt::format("{}: 'tags' must be a list of words", what));
      for (const auto& tag : tags) {
        if (!tag.IsScalar() || tag.Scalar().empty()) {
          return reader_.error(YamlReader::line(tag, tags), fmt::format("{}: a tag must be a non-empty string", what));
        }
        rule.tags.push_back(tag.Scalar());
      }
    }

    const YAML::Node match = node["match"];
    if (!match) return reader_.error(node, fmt::format("{}: missing 'match'", what));
    auto condition = ConditionParser(reader_, FieldScope::record).parse(match, what);
    if (!condition) return condition.error();
    rule.condition = std::move(*condition);

    // Every {name} must come from a named group, or the output would be
    // silently empty on every match.
    std::vector<std::string_view> captured;
    rule.condition.capture_names(captured);
    for (const auto& [key, output] : outputs) {
      for (const std::string_view name : output->names()) {
        if (std::find(captured.begin(), captured.end(), name) == captured.end()) {
          return reader_.error(node[key], fmt::format("{}: {} uses {{{}}}, but no regex of the rule captures "
                                                      "(?<{}>…)",
                                                      what, key, name, name));
        }
      }
    }

    auto examples = parse_examples(node, what);
    if (!examples) return examples.error();
    rule.examples = std::move(*examples);
    return rule;
  }

  Result<std::vector<Rule::Example>> parse_examples(const YAML::Node& rule, std::string_view what) {
    const YAML::Node list = rule["examples"];
    if (!list) return reader_.error(rule, fmt::format("{}: missing 'examples' (at least one)", what));
    if (!list.IsSequence() || list.size() == 0) {
      return reader_.error(list, fmt::format("{}: 'examples' must be a non-empty list", what));
    }
    if (list.size() > RuleFileParser::kMaxExamplesPerRule) {
      return reader_.error(
          list, fmt::format("{}: {} examples; at most {}", what, list.size(), RuleFileParser::kMaxExamplesPerRule));
    }
    std::vector<Rule::Example> out;
    for (const auto& node : list) {
      const std::string where = fmt::format("{}: example", what);
      if (auto ok = reader_.check_mapping(node, {"fields", "expect"}, where); !ok) return ok.error();
      Rule::Example example;
      example.line = YamlReader::line(node, list);
      const YAML::Node fields = node["fields"];
      if (!fields || !fields.IsMap() || fields.size() == 0) {
        return reader_.error(YamlReader::line(fields, node), fmt::format("{}: 'fields' must be a non-empty mapping "
                                                                         "of field names to values",
                                                                         where));
      }
      for (const auto& entry : fields) {
        const std::string name = entry.first.Scalar();
        if (!FieldNames::known(name, FieldScope::record)) {
          return reader_.error(entry.first, fmt::format("{}: unknown field '{}'", where, name));
        }
        if (entry.second.IsScalar()) {
          example.fields.add(name, entry.second.Scalar());
        } else if (entry.second.IsSequence()) {
          for (const auto& value : entry.second) {
            if (!value.IsScalar()) {
              return reader_.error(YamlReader::line(value, entry.second),
                                   fmt::format("{}: '{}' must be a string or a list of strings", where, name));
            }
            example.fields.add(name, value.Scalar());
          }
        } else {
          return reader_.error(YamlReader::line(entry.second, entry.first),
                               fmt::format("{}: '{}' must be a string or a list of strings", where, name));
        }
      }
      const YAML::Node expect = node["expect"];
      if (!expect) return reader_.error(node, fmt::format("{}: missing 'expect'", where));
      if (!expect.IsMap() || expect.size() == 0) {
        return reader_.error(
            expect, fmt::format("{}: 'expect' must be a non-empty mapping ({})", where, fmt::join(kExpectKeys, ", ")));
      }
      for (const auto& entry : expect) {
        const std::string key = entry.first.Scalar();
        if (!one_of(kExpectKeys, key)) {
          return reader_.error(entry.first, fmt::format("{}: unknown expect key '{}' (expected one of: {})", where, key,
                                                        fmt::join(kExpectKeys, ", ")));
        }
        if (!entry.second.IsScalar() && !entry.second.IsNull()) {
          return reader_.error(YamlReader::line(entry.second, entry.first),
                               fmt::format("{}: expect '{}' must be a string", where, key));
        }
        example.expect.emplace_back(key, entry.second.IsNull() ? std::string() : entry.second.Scalar());
      }
      out.push_back(std::move(example));
    }
    return out;
  }

  YamlReader reader_;
};

}  // namespace

Result<std::vector<Rule>> RuleFileParser::parse(std::string_view text, std::string_view file) {
  try {
    return Parser(file).parse(text);
  } catch (const YAML::Exception& e) {
    // Node access on a malformed tree; the reader turns the usual ones into
    // errors itself, this is the backstop.
    return make_input_error(fmt::format("{}:{}: YAML: {}", file, e.mark.line + 1, e.msg));
  }
}

bool RuleFileParser::valid_cpe(std::string_view cpe) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= cpe.size(); ++i) {
    if (i < cpe.size() && cpe[i] == '\\') {
      ++i;  // a quoted character, ':' included
      continue;
    }
    if (i == cpe.size() || cpe[i] == ':') {
      parts.push_back(cpe.substr(start, i - start));
      start = i + 1;
    }
  }
  if (parts.size() != 13 || parts[0] != "cpe" || parts[1] != "2.3") return false;
  if (parts[2] != "a" && parts[2] != "o" && parts[2] != "h") return false;
  return std::none_of(parts.begin(), parts.end(), [](std::string_view part) {
    return part.empty() || part.find_first_of(" \t\r\n") != std::string_view::npos;
  });
}

}  // namespace fumidai::fingerprints
