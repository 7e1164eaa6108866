#include "Interrupts.h"

#include <csignal>

namespace fumidai::cli {
namespace {

std::atomic<int> g_interrupts{0};

void on_interrupt(int) { g_interrupts.fetch_add(1); }

}  // namespace

std::atomic<int>& install_interrupt_counter() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
  return g_interrupts;
}

}  // namespace fumidai::cli
