#pragma once
// Reads a condition (fingerprints/README.md, "Conditions") from YAML: every
// field name checked against the field table, every regex compiled, every
// error as "FILE:LINE: reason".
//
// Contract: stateless apart from the reader it is given; internal to the
// library (callers pass yaml-cpp nodes).
#include <string_view>

#include "fumidai/core/Error.h"
#include "fumidai/fingerprints/Condition.h"
#include "fumidai/fingerprints/FieldNames.h"

namespace YAML {
class Node;
}

namespace fumidai::fingerprints {

class YamlReader;

class ConditionParser {
 public:
  // Nesting past this is refused: conditions are written by people, and the
  // evaluator recurses.
  static constexpr int kMaxDepth = 32;

  ConditionParser(const YamlReader& reader, FieldScope scope) : reader_(reader), scope_(scope) {}
  // `what` names the owner in messages ("rule 'x'").
  Result<Condition> parse(const YAML::Node& node, std::string_view what) const;

 private:
  Result<Condition> parse(const YAML::Node& node, std::string_view what, int depth) const;
  Result<Condition> parse_test(const YAML::Node& node, std::string_view what) const;

  const YamlReader& reader_;
  FieldScope scope_;
};

}  // namespace fumidai::fingerprints
