#pragma once
// Plain-text letter templates in a logic-less mustache subset:
//   {{name}}               the value as is (text/plain: no HTML escaping)
//   {{#name}}...{{/name}}  once per item of a list (each item a nested context;
//                          names resolve in the item, then outwards), or once
//                          when the value is true or a non-empty string
//   {{^name}}...{{/name}}  when the value is false, empty or missing
//   {{! comment }}
// A section or comment tag alone on its line (whitespace aside) takes the
// whole line with it, as in mustache, so templates can indent sections freely.
//
// Templates are checked against a schema when loaded: an unknown variable or
// section, an unclosed or mismatched section or a malformed tag is an input
// error "FILE:LINE: ...", so a typo fails at load, never in a sent letter.
// Contract: a value; parse() and render() are pure, never throw; render()
// never fails (a missing value renders empty). Safe to share between threads
// once built.
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fumidai/core/Error.h"

namespace fumidai::mail {

// What a template may name: variables, and sections with their own nested
// schema (a list's items). A section name is also usable as a boolean or an
// inverse; a variable may open a section too (shown when non-empty).
struct TemplateSchema {
  std::set<std::string> variables;
  std::map<std::string, TemplateSchema> sections;
};

struct TemplateContext;
using TemplateList = std::vector<TemplateContext>;
using TemplateValue = std::variant<std::string, bool, TemplateList>;
// A map from names to values; a struct rather than an alias only because
// the type is recursive (a list holds contexts).
struct TemplateContext : std::map<std::string, TemplateValue> {
  using std::map<std::string, TemplateValue>::map;
};

class LetterTemplate {
 public:
  static constexpr std::size_t kMaxBytes = 64 * 1024;
  static constexpr std::size_t kMaxDepth = 8;  // nested sections

  // `file` only names the template in errors.
  static Result<LetterTemplate> parse(std::string_view text, std::string_view file, const TemplateSchema& schema);
  std::string render(const TemplateContext& context) const;

  struct Node {
    enum class Kind { text, variable, section, inverted } kind = Kind::text;
    std::string value;  // the text, or the name
    std::vector<Node> children;
  };

 private:
  std::vector<Node> nodes_;
};

}  // namespace fumidai::mail
