#pragma once
// SIGINT and SIGTERM during `scan` and `grab`: counted, not fatal; the
// scanner and the grab runner read the count and stop cleanly.
// Contract: install once per process, from the main thread; the counter is
// lock-free and safe to read from any thread.
#include <atomic>

namespace fumidai::cli {

// Installs the handlers; returns the count they raise.
std::atomic<int>& install_interrupt_counter();

}  // namespace fumidai::cli
