// fingerprint_check: loads a rule directory (and optionally a labels and an
// EOL file), runs every self-test and prints each failure as
// FILE:LINE: ID: REASON, then counts. With no arguments it checks what is
// compiled in: rules, labels and EOL list. Exit 0 all passed, 1 a self-test
// failed, 2 a file did not load.
//
//   fingerprint_check [RULES_DIR [LABELS.yaml [EOL.yaml]]]
#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fumidai/fingerprints/EolList.h"
#include "fumidai/fingerprints/LabelSet.h"
#include "fumidai/fingerprints/RuleDatabase.h"

using namespace fumidai;
using namespace fumidai::fingerprints;

namespace {

Result<std::string> read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_input_error(fmt::format("cannot open '{}'", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

template <class T>
Result<T> load_file(const std::string& path) {
  auto text = read(path);
  if (!text) return text.error();
  return T::load(*text, path);
}

std::size_t report(const std::vector<SelfTestFailure>& failures) {
  for (const SelfTestFailure& f : failures) fmt::print("{}:{}: {}: {}\n", f.file, f.line, f.rule_id, f.reason);
  return failures.size();
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() > 3 || (!args.empty() && args[0].starts_with("-"))) {
    fmt::print(stderr, "usage: fingerprint_check [RULES_DIR [LABELS.yaml [EOL.yaml]]]\n");
    return 2;
  }
  const bool embedded = args.empty();
  auto rules = embedded ? RuleDatabase::load_embedded() : RuleDatabase::load_directory(args[0]);
  if (!rules) {
    fmt::print(stderr, "{}\n", rules.error().message);
    return 2;
  }
  std::size_t failures = report(rules->self_test());
  fmt::print("rules: {} ({} examples)\n", rules->rule_count(), rules->example_count());
  for (const auto& [category, count] : rules->count_by_category()) fmt::print("  {:<14} {}\n", category, count);
  fmt::print("prefilter: {} literals, {} rules always checked\n", rules->prefilter().literal_count(),
             rules->prefilter().always_check_count());

  if (embedded || args.size() >= 2) {
    auto labels = embedded ? LabelSet::load_embedded() : load_file<LabelSet>(args[1]);
    if (!labels) {
      fmt::print(stderr, "{}\n", labels.error().message);
      return 2;
    }
    failures += report(labels->self_test());
    fmt::print("labels: {} ({} examples)\n", labels->labels().size(), labels->example_count());
  }
  if (embedded || args.size() >= 3) {
    auto eol = embedded ? EolList::load_embedded() : load_file<EolList>(args[2]);
    if (!eol) {
      fmt::print(stderr, "{}\n", eol.error().message);
      return 2;
    }
    fmt::print("eol: {} entries\n", eol->size());
  }
  fmt::print("{} self-test failure(s)\n", failures);
  return failures == 0 ? 0 : 1;
}
