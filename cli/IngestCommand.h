#pragma once
#include <CLI/CLI.hpp>

namespace fumidai::cli {

// `fumidai ingest FILE.jsonl...`: stored scan or service records into
// PostgreSQL, one scan per file (or one for all with --scan-id), idempotently.
void register_ingest_command(CLI::App& root, int& exit_code);

}  // namespace fumidai::cli
