#pragma once
#include <CLI/CLI.hpp>

namespace fumidai::lab {

// Adds `fumidai lab up|down|status|check|plan|listen|devices`. The chosen subcommand's
// result is written to exit_code when it runs.
void register_lab_command(CLI::App& root, int& exit_code);

}  // namespace fumidai::lab
