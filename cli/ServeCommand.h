#pragma once
#include <CLI/CLI.hpp>

namespace fumidai::cli {

// `fumidai serve`: the REST API (api/) over the database, until SIGTERM or
// SIGINT, then a graceful shutdown.
void register_serve_command(CLI::App& root, int& exit_code);

}  // namespace fumidai::cli
