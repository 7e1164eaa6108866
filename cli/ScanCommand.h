#pragma once
#include <CLI/CLI.hpp>

namespace fumidai::cli {

// `fumidai scan`: stage 1, with ZMap's flag names.
void register_scan_command(CLI::App& root, int& exit_code);

}  // namespace fumidai::cli
