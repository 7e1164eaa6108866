#pragma once
#include <CLI/CLI.hpp>

namespace fumidai::cli {

// `fumidai grab`: stage 2 over targets read from standard input.
void register_grab_command(CLI::App& root, int& exit_code);

}  // namespace fumidai::cli
