#pragma once
// Our YAML rule database (fingerprints/README.md): every rule of every file,
// in precedence order (priority descending, then load order), behind a
// literal prefilter. match() gives at most one fingerprint per category: the
// first rule in precedence order that matches.
//
// Contract: immutable after load; match() and candidates() may run on many
// threads at once, each with its own MatchScratch. load() returns a complete
// database or an error naming file, line and reason: never part of one.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/fingerprints/FingerprintSource.h"
#include "fumidai/fingerprints/LiteralPrefilter.h"
#include "fumidai/fingerprints/Rule.h"
#include "fumidai/fingerprints/SelfTestFailure.h"

namespace fumidai::fingerprints {

class RuleDatabase final : public FingerprintSource {
 public:
  struct File {
    std::string name;  // used in messages, e.g. "fingerprints/rules/routers/tplink.yaml"
    std::string text;
  };
  static constexpr std::size_t kMaxFiles = 10'000;

  static Result<RuleDatabase> load(const std::vector<File>& files);  // in the given order
  // Every *.yaml below `dir` (recursively), in path order; names are
  // dir/relative-path. A directory without rule files is an error.
  static Result<RuleDatabase> load_directory(const std::filesystem::path& dir);
  // fingerprints/rules as compiled into the binary, in path order.
  static Result<RuleDatabase> load_embedded();

  std::size_t rule_count() const { return rules_.size(); }
  std::map<std::string, std::size_t> count_by_category() const;
  std::size_t example_count() const;
  std::string_view name() const override { return "fumidai"; }

  void match(const FieldSet& fields, MatchScratch& scratch, std::vector<Fingerprint>& out,
             std::uint64_t& limit_hits) const override;
  // The same result evaluating every rule, without the prefilter: for tests
  // that check the prefilter and for the benchmark's comparison.
  void match_exhaustive(const FieldSet& fields, MatchScratch& scratch, std::vector<Fingerprint>& out,
                        std::uint64_t& limit_hits) const;
  // The prefilter alone: how many rules it leaves to evaluate for `fields`.
  std::size_t candidates(const FieldSet& fields) const;
  const LiteralPrefilter& prefilter() const { return prefilter_; }

  // Every example of every rule (README, "Precedence and examples"): it
  // matches its rule, yields each expected key exactly, and no other rule of
  // the category comes first.
  std::vector<SelfTestFailure> self_test() const;

  // Rules in precedence order.
  const std::vector<Rule>& rules() const { return rules_; }

 private:
  RuleDatabase(std::vector<Rule> rules, LiteralPrefilter prefilter);
  template <class Ids>
  void match_rules(const Ids& ids, const FieldSet& fields, MatchScratch& scratch, std::vector<Fingerprint>& out,
                   std::uint64_t& limit_hits) const;

  std::vector<Rule> rules_;
  LiteralPrefilter prefilter_;
};

}  // namespace fumidai::fingerprints
