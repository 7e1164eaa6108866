#pragma once
#include <CLI/CLI.hpp>

namespace fumidai::cli {

// `fumidai canary`: the endpoint proxy probes ask proxies to reach.
void register_canary_command(CLI::App& root, int& exit_code);

}  // namespace fumidai::cli
