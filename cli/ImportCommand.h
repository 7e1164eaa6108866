#pragma once
#include <CLI/CLI.hpp>

namespace fumidai::cli {

// `fumidai import pfx2as|as2org|delegated|geolite2-asn|abuse FILE...` and
// `fumidai import list`: the dated ISP attribution data.
void register_import_command(CLI::App& root, int& exit_code);

}  // namespace fumidai::cli
