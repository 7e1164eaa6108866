#pragma once
#include <CLI/CLI.hpp>

namespace fumidai::cli {

// `fumidai keys create|list|revoke`: the REST API's keys
// (db/fumidai/db/ApiKeyStore.h). A new key's token is printed once.
void register_keys_command(CLI::App& root, int& exit_code);

}  // namespace fumidai::cli
