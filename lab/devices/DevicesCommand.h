#pragma once
// `fumidai lab devices --config FILE [--print-services]`: the lab's router
// emulator in the foreground until SIGTERM or SIGINT, or its ground truth as
// CSV. Exit codes: 0 done, 2 bad config (one line naming the problem), 1 a
// runtime failure (an address that cannot be bound, ...).
#include <CLI/CLI.hpp>

namespace fumidai::lab {

// Adds the subcommand to `lab`; its result goes to exit_code when it runs.
void register_devices_command(CLI::App& lab, int& exit_code);

}  // namespace fumidai::lab
