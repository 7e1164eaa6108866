#include "fumidai/fingerprints/Condition.h"

#include <algorithm>

#include "fumidai/core/AsciiCase.h"
#include "fumidai/fingerprints/RegexAnchor.h"

namespace fumidai::fingerprints {

namespace {

bool contains_nocase(std::string_view text, std::string_view lower_needle) {
  const auto it = std::search(text.begin(), text.end(), lower_needle.begin(), lower_needle.end(),
                              [](char x, char y) { return ascii_lower(x) == y; });
  return it != text.end() || lower_needle.empty();
}

// The best of two anchor sets: the one whose shortest literal is longer (it
// selects fewer records), then the one with fewer literals.
bool better(const std::vector<Anchor>& a, const std::vector<Anchor>& b) {
  if (b.empty()) return !a.empty();
  if (a.empty()) return false;
  const auto shortest = [](const std::vector<Anchor>& set) {
    std::size_t n = Anchor::kMaxBytes;
    for (const Anchor& anchor : set) n = std::min(n, anchor.literal.size());
    return n;
  };
  if (shortest(a) != shortest(b)) return shortest(a) > shortest(b);
  return a.size() < b.size();
}

}  // namespace

Condition Condition::test(std::string field, Op op, std::string value, bool nocase, std::optional<Pattern> pattern) {
  Condition c;
  c.kind_ = Kind::test;
  c.field_ = std::move(field);
  c.op_ = op;
  c.nocase_ = nocase;
  c.value_ = nocase && op != Op::regex ? ascii_lower(value) : std::move(value);
  c.pattern_ = std::move(pattern);
  return c;
}

Condition Condition::combine(Kind kind, std::vector<Condition> children) {
  Condition c;
  c.kind_ = kind;
  c.children_ = std::move(children);
  return c;
}

Condition Condition::negate(Condition child) {
  Condition c;
  c.kind_ = Kind::negation;
  c.children_.push_back(std::move(child));
  return c;
}

bool Condition::evaluate(Context& context) const {
  const std::size_t mark = context.captures.size();
  switch (kind_) {
    case Kind::test:
      return evaluate_test(context);
    case Kind::all:
      for (const Condition& child : children_) {
        if (!child.evaluate(context)) {
          context.captures.resize(mark);
          return false;
        }
      }
      return true;
    case Kind::any:
      // The first branch that holds decides, with its captures.
      return std::any_of(children_.begin(), children_.end(),
                         [&](const Condition& child) { return child.evaluate(context); });
    case Kind::negation: {
      const bool held = children_.front().evaluate(context);
      context.captures.resize(mark);
      return !held;
    }
  }
  return false;
}

bool Condition::evaluate_test(Context& context) const {
  const auto values = context.fields.values(field_);
  if (op_ == Op::exists) return values.empty() == (value_ == "false");
  for (const std::string& value : values) {
    switch (op_) {
      case Op::regex: {
        const MatchOutcome outcome = pattern_->match(value, context.scratch, &context.groups);
        if (outcome == MatchOutcome::limit_exceeded) ++context.limit_hits;
        if (outcome != MatchOutcome::matched) continue;
        for (const auto& group : pattern_->named_groups()) {
          const auto& value_of_group = context.groups[static_cast<std::size_t>(group.second)];
          if (!value_of_group) continue;
          const std::string_view name = group.first;
          const bool taken = std::any_of(context.captures.begin(), context.captures.end(),
                                         [&](const auto& capture) { return capture.first == name; });
          if (!taken) context.captures.emplace_back(name, *value_of_group);
        }
        return true;
      }
      case Op::contains:
        if (nocase_ ? contains_nocase(value, value_) : value.find(value_) != std::string::npos) return true;
        break;
      case Op::equals:
        if (nocase_ ? equals_lower(value, value_) : value == value_) return true;
        break;
      case Op::prefix:
        if (value.size() >= value_.size() &&
            (nocase_ ? equals_lower(std::string_view(value).substr(0, value_.size()), value_)
                     : value.starts_with(value_))) {
          return true;
        }
        break;
      case Op::suffix:
        if (value.size() >= value_.size() &&
            (nocase_ ? equals_lower(std::string_view(value).substr(value.size() - value_.size()), value_)
                     : value.ends_with(value_))) {
          return true;
        }
        break;
      case Op::exists:
        break;
    }
  }
  return false;
}

std::vector<Anchor> Condition::anchors() const {
  switch (kind_) {
    case Kind::test: {
      std::string literal;
      if (op_ == Op::regex) {
        literal = RegexAnchor::extract(pattern_->source());
      } else if (op_ != Op::exists) {
        literal = ascii_lower(std::string_view(value_).substr(0, Anchor::kMaxBytes));
      }
      if (literal.empty()) return {};
      return {Anchor{field_, std::move(literal)}};
    }
    case Kind::all: {
      // Every child must hold, so any one child's anchors will do.
      std::vector<Anchor> best;
      for (const Condition& child : children_) {
        auto set = child.anchors();
        if (better(set, best)) best = std::move(set);
      }
      return best;
    }
    case Kind::any: {
      // Some child holds: only the union covers it, and only if every child
      // has anchors.
      std::vector<Anchor> all;
      for (const Condition& child : children_) {
        auto set = child.anchors();
        if (set.empty()) return {};
        for (Anchor& anchor : set) {
          if (std::find(all.begin(), all.end(), anchor) == all.end()) all.push_back(std::move(anchor));
        }
      }
      return all;
    }
    case Kind::negation:
      return {};
  }
  return {};
}

void Condition::capture_names(std::vector<std::string_view>& out) const {
  if (pattern_) {
    for (const auto& [name, number] : pattern_->named_groups()) out.push_back(name);
  }
  for (const Condition& child : children_) child.capture_names(out);
}

}  // namespace fumidai::fingerprints
