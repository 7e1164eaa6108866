#pragma once
// Picks, for one record, the few rules that can match, so that matching cost
// follows the rules a record could hit, not the size of the database. Each
// rule has anchors (literals one of which must occur in its field, see
// Condition::anchors) or none ("always check"). One Aho–Corasick automaton
// per field name holds every anchor literal of that field; each present field
// is scanned once.
//
// Contract: immutable after build(); candidates() is thread-safe. It keeps
// per-thread marks (thread_local, O(rules + literals) per thread) so a literal
// found many times costs one lookup.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/fingerprints/AhoCorasick.h"
#include "fumidai/fingerprints/Anchor.h"
#include "fumidai/fingerprints/FieldSet.h"

namespace fumidai::fingerprints {

class LiteralPrefilter {
 public:
  // rule_anchors[i] are rule i's anchors; an empty list means "always check".
  static Result<LiteralPrefilter> build(const std::vector<std::vector<Anchor>>& rule_anchors);

  // Replaces `out` with the rules that may match `fields`, ascending.
  void candidates(const FieldSet& fields, std::vector<std::uint32_t>& out) const;

  std::size_t rule_count() const { return rule_count_; }
  std::size_t always_check_count() const { return always_.size(); }
  std::size_t literal_count() const { return literal_rules_begin_.empty() ? 0 : literal_rules_begin_.size() - 1; }
  std::size_t memory_bytes() const;

 private:
  struct FieldAutomaton {
    std::string field;
    AhoCorasick automaton;
    std::uint32_t first_literal = 0;  // its literal ids are global ids from here
  };
  std::size_t rule_count_ = 0;
  std::vector<FieldAutomaton> fields_;  // sorted by field
  std::vector<std::uint32_t> always_;   // ascending
  // Rules of global literal l: literal_rules_[literal_rules_begin_[l] .. [l+1]).
  std::vector<std::uint32_t> literal_rules_begin_;
  std::vector<std::uint32_t> literal_rules_;
};

}  // namespace fumidai::fingerprints
