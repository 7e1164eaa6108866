#pragma once
// A rule's or label's condition: tests on named fields combined with all/any/
// not (fingerprints/README.md, "Conditions"). Built by ConditionParser.
//
// Contract: immutable after construction; evaluate() is thread-safe given a
// per-thread MatchScratch and capture buffers. Captures are string_views into
// the FieldSet's values and the patterns' group names: valid while both are.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/fingerprints/Anchor.h"
#include "fumidai/fingerprints/FieldSet.h"
#include "fumidai/fingerprints/OutputTemplate.h"
#include "fumidai/fingerprints/Pattern.h"

namespace fumidai::fingerprints {

class Condition {
 public:
  enum class Kind { test, all, any, negation };
  enum class Op { regex, contains, equals, prefix, suffix, exists };

  // What one evaluation reads and writes; reused across evaluations.
  struct Context {
    const FieldSet& fields;
    MatchScratch& scratch;
    std::uint64_t& limit_hits;  // regex matches stopped by PCRE2's limits
    CaptureList& captures;      // named captures, first of a name wins
    Pattern::Captures& groups;  // PCRE2's groups of the latest regex match
  };

  // `value`: the literal (lower case when `nocase`), or "true"/"false" for
  // exists. `pattern`: the compiled regex for Op::regex.
  static Condition test(std::string field, Op op, std::string value, bool nocase, std::optional<Pattern> pattern);
  static Condition combine(Kind kind, std::vector<Condition> children);  // all, any
  static Condition negate(Condition child);

  // True when the condition holds. A false result leaves `captures` as it was.
  bool evaluate(Context& context) const;

  // Anchors such that the condition can hold only when one of them occurs in
  // its field; empty when no such set is known.
  std::vector<Anchor> anchors() const;
  // Named groups of every regex in the condition, in document order.
  void capture_names(std::vector<std::string_view>& out) const;

  Kind kind() const { return kind_; }

 private:
  bool evaluate_test(Context& context) const;

  Kind kind_ = Kind::test;
  std::string field_;
  Op op_ = Op::exists;
  std::string value_;
  bool nocase_ = false;
  std::optional<Pattern> pattern_;
  std::vector<Condition> children_;
};

}  // namespace fumidai::fingerprints
