#pragma once
#include <CLI/CLI.hpp>

namespace fumidai::cli {

// `fumidai fingerprint`: stage 3 again over stored service records (new rules
// relabel old scans), and the rules' and labels' self-test.
void register_fingerprint_command(CLI::App& root, int& exit_code);

}  // namespace fumidai::cli
