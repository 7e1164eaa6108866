#include "fumidai/fingerprints/LiteralPrefilter.h"

#include <algorithm>
#include <map>

namespace fumidai::fingerprints {

namespace {

// Marks of one thread: a rule or literal is "seen" in the current call when
// its mark equals the call's epoch. Shared by every prefilter the thread uses;
// each call takes a fresh epoch, so they never see each other's marks.
struct Marks {
  std::vector<std::uint32_t> rules;
  std::vector<std::uint32_t> literals;
  std::vector<std::uint32_t> merged;
  std::uint32_t epoch = 0;

  void begin(std::size_t rule_count, std::size_t literal_count) {
    if (rules.size() < rule_count) rules.resize(rule_count, 0);
    if (literals.size() < literal_count) literals.resize(literal_count, 0);
    if (++epoch == 0) {  // wrapped: old marks could collide with new epochs
      std::fill(rules.begin(), rules.end(), 0);
      std::fill(literals.begin(), literals.end(), 0);
      epoch = 1;
    }
  }
};

thread_local Marks t_marks;

}  // namespace

Result<LiteralPrefilter> LiteralPrefilter::build(const std::vector<std::vector<Anchor>>& rule_anchors) {
  LiteralPrefilter out;
  out.rule_count_ = rule_anchors.size();
  // field → literal → rules, ordered so the build is deterministic.
  std::map<std::string, std::map<std::string, std::vector<std::uint32_t>>> by_field;
  for (std::uint32_t rule = 0; rule < rule_anchors.size(); ++rule) {
    if (rule_anchors[rule].empty()) {
      out.always_.push_back(rule);
      continue;
    }
    for (const Anchor& anchor : rule_anchors[rule]) {
      auto& rules = by_field[anchor.field][anchor.literal];
      if (rules.empty() || rules.back() != rule) rules.push_back(rule);
    }
  }
  std::uint32_t next_literal = 0;
  for (auto& [field, literals] : by_field) {
    std::vector<std::string> texts;
    texts.reserve(literals.size());
    for (auto& [literal, rules] : literals) {
      texts.push_back(literal);
      out.literal_rules_begin_.push_back(static_cast<std::uint32_t>(out.literal_rules_.size()));
      out.literal_rules_.insert(out.literal_rules_.end(), rules.begin(), rules.end());
    }
    auto automaton = AhoCorasick::build(texts);
    if (!automaton) return automaton.error();
    out.fields_.push_back({field, std::move(*automaton), next_literal});
    next_literal += static_cast<std::uint32_t>(texts.size());
  }
  out.literal_rules_begin_.push_back(static_cast<std::uint32_t>(out.literal_rules_.size()));
  return out;
}

void LiteralPrefilter::candidates(const FieldSet& fields, std::vector<std::uint32_t>& out) const {
  out.clear();
  Marks& marks = t_marks;
  marks.begin(rule_count_, literal_count());
  const std::uint32_t epoch = marks.epoch;
  for (const auto& [name, values] : fields.entries()) {
    const auto it = std::lower_bound(fields_.begin(), fields_.end(), name,
                                     [](const FieldAutomaton& f, const std::string& n) { return f.field < n; });
    if (it == fields_.end() || it->field != name) continue;
    for (const std::string& value : values) {
      it->automaton.scan(value, [&](std::uint32_t local) {
        const std::uint32_t literal = it->first_literal + local;
        if (marks.literals[literal] == epoch) return;
        marks.literals[literal] = epoch;
        for (std::uint32_t i = literal_rules_begin_[literal]; i < literal_rules_begin_[literal + 1]; ++i) {
          const std::uint32_t rule = literal_rules_[i];
          if (marks.rules[rule] == epoch) continue;
          marks.rules[rule] = epoch;
          out.push_back(rule);
        }
      });
    }
  }
  // Always-check rules have no anchors, so none of them was marked above.
  // The merge goes through a per-thread buffer that swaps with `out`: no
  // allocation once both have grown.
  std::sort(out.begin(), out.end());
  marks.merged.resize(out.size() + always_.size());
  std::merge(out.begin(), out.end(), always_.begin(), always_.end(), marks.merged.begin());
  out.swap(marks.merged);
}

std::size_t LiteralPrefilter::memory_bytes() const {
  std::size_t bytes =
      sizeof(*this) + always_.capacity() * 4 + literal_rules_begin_.capacity() * 4 + literal_rules_.capacity() * 4;
  for (const auto& f : fields_) bytes += f.field.capacity() + f.automaton.memory_bytes();
  return bytes;
}

}  // namespace fumidai::fingerprints
