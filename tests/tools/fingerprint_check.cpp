// fingerprint_check: loads a rule directory (and optionally a labels and an
// EOL file), runs every self-test and prints each failure as
// FILE:LINE: RULE: REASON, then counts. With no arguments it checks what is
// compiled in. Exit 0 all passed, 1 a self-test failed, 2 a file did not load.
//
//   fingerprint_check [DIR [LABELS.yaml [EOL.yaml]]]
#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <vector>

#include "fumidai/fingerprints/RuleDatabase.h"

using namespace fumidai;
using namespace fumidai::fingerprints;

namespace {

void print_failures(const std::vector<SelfTestFailure>& failures) {
  for (const SelfTestFailure& f : failures) fmt::print("{}:{}: {}: {}\n", f.file, f.line, f.rule_id, f.reason);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2 || (argc == 2 && std::string(argv[1]).starts_with("-"))) {
    std::fprintf(stderr, "usage: fingerprint_check [RULES_DIR]\n");
    return 2;
  }
  auto rules = argc >= 2 ? RuleDatabase::load_directory(argv[1]) : RuleDatabase::load_embedded();
  if (!rules) {
    fmt::print(stderr, "{}\n", rules.error().message);
    return 2;
  }
  const auto failures = rules->self_test();
  print_failures(failures);
  fmt::print("rules: {} ({} examples)\n", rules->rule_count(), rules->example_count());
  for (const auto& [category, count] : rules->count_by_category()) fmt::print("  {:<14} {}\n", category, count);
  fmt::print("prefilter: {} literals, {} always-checked rules\n", rules->prefilter().literal_count(),
             rules->prefilter().always_check_count());
  fmt::print("{} self-test failure(s)\n", failures.size());
  return failures.empty() ? 0 : 1;
}
