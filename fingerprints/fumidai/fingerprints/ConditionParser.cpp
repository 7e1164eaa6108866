#include "fumidai/fingerprints/ConditionParser.h"

#include <fmt/format.h>

#include <array>
#include <utility>

#include "fumidai/fingerprints/YamlReader.h"

namespace fumidai::fingerprints {

namespace {

constexpr std::array<std::pair<std::string_view, Condition::Op>, 6> kOps = {{{"regex", Condition::Op::regex},
                                                                             {"contains", Condition::Op::contains},
                                                                             {"equals", Condition::Op::equals},
                                                                             {"prefix", Condition::Op::prefix},
                                                                             {"suffix", Condition::Op::suffix},
                                                                             {"exists", Condition::Op::exists}}};

}  // namespace

Result<Condition> ConditionParser::parse(const YAML::Node& node, std::string_view what) const {
  return parse(node, what, 0);
}

Result<Condition> ConditionParser::parse(const YAML::Node& node, std::string_view what, int depth) const {
  if (depth > kMaxDepth)
    return reader_.error(node, fmt::format("{}: conditions nested deeper than {}", what, kMaxDepth));
  if (!node.IsMap()) return reader_.error(node, fmt::format("{}: a condition must be a mapping", what));
  if (node["field"]) return parse_test(node, what);
  if (node.size() != 1) {
    return reader_.error(node, fmt::format("{}: a condition is a test (with 'field') or one of all/any/not", what));
  }
  const auto entry = *node.begin();
  const std::string key = entry.first.Scalar();
  const YAML::Node& body = entry.second;
  if (key == "not") {
    auto child = parse(body, what, depth + 1);
    if (!child) return child.error();
    return Condition::negate(std::move(*child));
  }
  if (key != "all" && key != "any") {
    return reader_.error(entry.first,
                         fmt::format("{}: unknown condition '{}' (expected field, all, any or not)", what, key));
  }
  if (!body.IsSequence() || body.size() == 0) {
    return reader_.error(YamlReader::line(body, entry.first),
                         fmt::format("{}: '{}' needs a non-empty list of conditions", what, key));
  }
  std::vector<Condition> children;
  for (const auto& item : body) {
    auto child = parse(item, what, depth + 1);
    if (!child) return child.error();
    children.push_back(std::move(*child));
  }
  return Condition::combine(key == "all" ? Condition::Kind::all : Condition::Kind::any, std::move(children));
}

Result<Condition> ConditionParser::parse_test(const YAML::Node& node, std::string_view what) const {
  if (auto ok = reader_.check_mapping(
          node, {"field", "regex", "contains", "equals", "prefix", "suffix", "exists", "nocase"}, what);
      !ok) {
    return ok.error();
  }
  auto field = reader_.scalar(node, "field", what);
  if (!field) return field.error();
  if (!FieldNames::known(**field, scope_)) {
    return reader_.error(
        node["field"], fmt::format("{}: unknown field '{}' (fingerprints/README.md lists the fields)", what, **field));
  }
  std::optional<std::pair<std::string_view, Condition::Op>> op;
  for (const auto& candidate : kOps) {
    if (!node[std::string(candidate.first)]) continue;
    if (op) {
      return reader_.error(node, fmt::format("{}: a test takes one of regex/contains/equals/prefix/suffix/exists, not "
                                             "both '{}' and '{}'",
                                             what, op->first, candidate.first));
    }
    op = candidate;
  }
  if (!op) {
    return reader_.error(node, fmt::format("{}: the test on '{}' needs one of regex, contains, equals, prefix, "
                                           "suffix or exists",
                                           what, **field));
  }
  auto nocase = reader_.boolean(node, "nocase", what);
  if (!nocase) return nocase.error();
  const bool caseless = nocase->value_or(false);
  const YAML::Node value_node = node[std::string(op->first)];

  if (op->second == Condition::Op::exists) {
    auto exists = reader_.boolean(node, "exists", what);
    if (!exists) return exists.error();
    return Condition::test(std::move(**field), op->second, **exists ? "true" : "false", caseless, std::nullopt);
  }
  // Empty values are never stored (FieldSet), so an empty literal could
  // only ever mean "exists": say so rather than guess.
  auto value = reader_.scalar(node, op->first, what);
  if (!value) return value.error();
  if (op->second != Condition::Op::regex) {
    return Condition::test(std::move(**field), op->second, std::move(**value), caseless, std::nullopt);
  }
  auto pattern = Pattern::compile(**value, PatternOptions{.caseless = caseless});
  if (!pattern) {
    return reader_.error(value_node, fmt::format("{}: regex '{}': {}", what, **value, pattern.error().message));
  }
  return Condition::test(std::move(**field), op->second, std::move(**value), caseless, std::move(*pattern));
}

}  // namespace fumidai::fingerprints
