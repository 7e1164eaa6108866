#pragma once
#include <CLI/CLI.hpp>

namespace fumidai::cli {

// `fumidai db up|down|status|migrate|url`: the embedded PostgreSQL and the schema.
void register_db_command(CLI::App& root, int& exit_code);

}  // namespace fumidai::cli
