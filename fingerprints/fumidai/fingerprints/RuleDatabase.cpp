#include "fumidai/fingerprints/RuleDatabase.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <numeric>
#include <sstream>
#include <unordered_map>

#include "fumidai/fingerprints/EmbeddedRules.h"
#include "fumidai/fingerprints/RuleFileParser.h"
#include "fumidai/fingerprints/YamlReader.h"

namespace fumidai::fingerprints {

namespace {

// Every rule index, for match_exhaustive: an "id list" without a prefilter.
struct AllRules {
  std::size_t count;
  struct Iterator {
    std::uint32_t i;
    std::uint32_t operator*() const { return i; }
    Iterator& operator++() {
      ++i;
      return *this;
    }
    bool operator!=(const Iterator& other) const { return i != other.i; }
  };
  Iterator begin() const { return {0}; }
  Iterator end() const { return {static_cast<std::uint32_t>(count)}; }
};

// Per-thread buffers reused across matches.
struct MatchBuffers {
  std::vector<std::uint32_t> candidates;
  CaptureList captures;
  Pattern::Captures groups;
};
thread_local MatchBuffers t_buffers;

Result<std::string> read_file(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return make_input_error(fmt::format("cannot read '{}': {}", path.string(), ec.message()));
  if (size > YamlReader::kMaxFileBytes) {
    return make_input_error(fmt::format("{}: {} bytes; at most {}", path.string(), size, YamlReader::kMaxFileBytes));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return make_input_error(fmt::format("cannot read '{}'", path.string()));
  return text.str();
}

}  // namespace

RuleDatabase::RuleDatabase(std::vector<Rule> rules, LiteralPrefilter prefilter)
    : rules_(std::move(rules)), prefilter_(std::move(prefilter)) {}

Result<RuleDatabase> RuleDatabase::load(const std::vector<File>& files) {
  if (files.size() > kMaxFiles)
    return make_input_error(fmt::format("{} rule files; at most {}", files.size(), kMaxFiles));
  std::vector<Rule> rules;
  std::unordered_map<std::string, std::size_t> by_id;
  for (const File& file : files) {
    auto parsed = RuleFileParser::parse(file.text, file.name);
    if (!parsed) return parsed.error();
    for (Rule& rule : *parsed) {
      if (const auto it = by_id.find(rule.id); it != by_id.end()) {
        const Rule& first = rules[it->second];
        return make_input_error(fmt::format("{}:{}: duplicate rule id '{}' (first defined at {}:{})", rule.file,
                                            rule.line, rule.id, first.file, first.line));
      }
      by_id.emplace(rule.id, rules.size());
      rules.push_back(std::move(rule));
    }
  }
  std::stable_sort(rules.begin(), rules.end(), [](const Rule& a, const Rule& b) { return a.priority > b.priority; });
  std::vector<std::vector<Anchor>> anchors;
  anchors.reserve(rules.size());
  for (const Rule& rule : rules) anchors.push_back(rule.condition.anchors());
  auto prefilter = LiteralPrefilter::build(anchors);
  if (!prefilter) return prefilter.error();
  return RuleDatabase(std::move(rules), std::move(*prefilter));
}

Result<RuleDatabase> RuleDatabase::load_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return make_input_error(fmt::format("rules: '{}' is not a directory", dir.string()));
  }
  std::vector<std::filesystem::path> paths;
  for (std::filesystem::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".yaml") {
      paths.push_back(std::filesystem::relative(it->path(), dir));
      if (paths.size() > kMaxFiles)
        return make_input_error(fmt::format("{}: more than {} rule files", dir.string(), kMaxFiles));
    }
  }
  if (ec) return make_input_error(fmt::format("cannot list '{}': {}", dir.string(), ec.message()));
  if (paths.empty()) return make_input_error(fmt::format("{}: no *.yaml rule files", dir.string()));
  // Path order, byte-wise: the order the embedded table uses too.
  std::sort(paths.begin(), paths.end(),
            [](const auto& a, const auto& b) { return a.generic_string() < b.generic_string(); });
  std::vector<File> files;
  for (const auto& relative : paths) {
    auto text = read_file(dir / relative);
    if (!text) return text.error();
    files.push_back({(dir / relative).generic_string(), std::move(*text)});
  }
  return load(files);
}

Result<RuleDatabase> RuleDatabase::load_embedded() {
  std::vector<File> files;
  for (const EmbeddedFile& file : embedded_rule_files())
    files.push_back({std::string(file.name), std::string(file.text)});
  return load(files);
}

std::map<std::string, std::size_t> RuleDatabase::count_by_category() const {
  std::map<std::string, std::size_t> out;
  for (const Rule& rule : rules_) ++out[rule.category];
  return out;
}

std::size_t RuleDatabase::example_count() const {
  return std::accumulate(rules_.begin(), rules_.end(), std::size_t{0},
                         [](std::size_t n, const Rule& rule) { return n + rule.examples.size(); });
}

template <class Ids>
void RuleDatabase::match_rules(const Ids& ids, const FieldSet& fields, MatchScratch& scratch,
                               std::vector<Fingerprint>& out, std::uint64_t& limit_hits) const {
  std::array<bool, Rule::kCategories.size()> done{};
  std::size_t remaining = done.size();
  MatchBuffers& buffers = t_buffers;
  Condition::Context context{fields, scratch, limit_hits, buffers.captures, buffers.groups};
  for (const std::uint32_t id : ids) {
    const Rule& rule = rules_[id];
    if (done[rule.category_index]) continue;
    buffers.captures.clear();
    if (!rule.condition.evaluate(context)) continue;
    out.push_back(rule.output(buffers.captures));
    done[rule.category_index] = true;
    if (--remaining == 0) break;
  }
}

void RuleDatabase::match(const FieldSet& fields, MatchScratch& scratch, std::vector<Fingerprint>& out,
                         std::uint64_t& limit_hits) const {
  // The candidate list is taken out of the thread's buffers while it is
  // iterated: match_rules uses the other buffers only.
  std::vector<std::uint32_t> candidates = std::move(t_buffers.candidates);
  prefilter_.candidates(fields, candidates);
  match_rules(candidates, fields, scratch, out, limit_hits);
  t_buffers.candidates = std::move(candidates);
}

void RuleDatabase::match_exhaustive(const FieldSet& fields, MatchScratch& scratch, std::vector<Fingerprint>& out,
                                    std::uint64_t& limit_hits) const {
  match_rules(AllRules{rules_.size()}, fields, scratch, out, limit_hits);
}

std::size_t RuleDatabase::candidates(const FieldSet& fields) const {
  std::vector<std::uint32_t> candidates = std::move(t_buffers.candidates);
  prefilter_.candidates(fields, candidates);
  const std::size_t n = candidates.size();
  t_buffers.candidates = std::move(candidates);
  return n;
}

std::vector<SelfTestFailure> RuleDatabase::self_test() const {
  std::vector<SelfTestFailure> failures;
  MatchScratch scratch;
  std::unordered_map<std::string_view, const Rule*> by_id;
  for (const Rule& rule : rules_) by_id.emplace(rule.id, &rule);
  for (const Rule& rule : rules_) {
    for (const Rule::Example& example : rule.examples) {
      const auto fail = [&](std::string reason) {
        failures.push_back({rule.file, example.line, rule.id, std::move(reason)});
      };
      std::vector<Fingerprint> found;
      std::uint64_t limit_hits = 0;
      match(example.fields, scratch, found, limit_hits);
      if (limit_hits > 0) fail(fmt::format("{} regex match(es) stopped by PCRE2's match limit", limit_hits));
      const auto winner =
          std::find_if(found.begin(), found.end(), [&](const Fingerprint& fp) { return fp.category == rule.category; });
      if (winner == found.end() || winner->id != rule.id) {
        // Why not: no match at all, another rule first, or (an engine bug)
        // the prefilter dropped a rule that matches.
        CaptureList captures;
        Pattern::Captures groups;
        Condition::Context context{example.fields, scratch, limit_hits, captures, groups};
        const bool own = rule.condition.evaluate(context);
        if (!own) {
          fail("example does not match its rule");
        } else if (winner == found.end()) {
          fail("the prefilter dropped a matching rule (engine bug)");
        } else {
          const Rule& other = *by_id.at(winner->id);
          fail(fmt::format("claimed first by rule '{}' ({}:{}, priority {}) of category {}", other.id, other.file,
                           other.line, other.priority, other.category));
        }
        continue;
      }
      for (const auto& [key, expected] : example.expect) {
        const std::string& actual = key == "vendor"    ? winner->vendor
                                    : key == "product" ? winner->product
                                    : key == "version" ? winner->version
                                    : key == "device"  ? winner->device
                                    : key == "cpe"     ? winner->cpe
                                                       : winner->category;
        if (actual != expected) fail(fmt::format("expected {} '{}', got '{}'", key, expected, actual));
      }
    }
  }
  return failures;
}

}  // namespace fumidai::fingerprints
