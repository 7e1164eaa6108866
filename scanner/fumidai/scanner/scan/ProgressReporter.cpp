#include "fumidai/scanner/scan/ProgressReporter.h"

#include <fmt/format.h>

namespace fumidai::scanner {
namespace {

std::string format_duration(double seconds) {
  const auto s = static_cast<long>(seconds < 0 ? 0 : seconds);
  return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
                   : fmt::format("{}:{:02}", s / 60, s % 60);
}

std::string format_rate(double pps) {
  if (pps >= 1e6) return fmt::format("{:.2f} Mp/s", pps / 1e6);
  if (pps >= 1e3) return fmt::format("{:.1f} Kp/s", pps / 1e3);
  return fmt::format("{:.0f} p/s", pps);
}

double seconds(Nanos d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

std::string ProgressReporter::format(Nanos elapsed, std::optional<Nanos> sending_ended) const {
  const std::uint64_t sent = counters_.sent.load();
  const std::uint64_t done = counters_.targets_done.load();
  const std::uint64_t received = counters_.open.load() + counters_.closed.load() + counters_.unreachable.load();
  const double fraction = targets_to_send_ ? static_cast<double>(done) / static_cast<double>(targets_to_send_) : 1.0;
  // The average covers sending only, so it does not sag during the cooldown.
  const double send_seconds = seconds(sending_ended.value_or(elapsed));
  const double average = send_seconds > 0 ? static_cast<double>(sent) / send_seconds : 0;
  std::string eta;
  if (sending_ended) {
    eta = fmt::format("cooldown {:.0f}s left", std::max(0.0, seconds(cooldown_ - (elapsed - *sending_ended))));
  } else if (fraction > 0) {
    eta = format_duration(seconds(elapsed) / fraction - seconds(elapsed)) + " left";
  } else {
    eta = "--:-- left";
  }
  const double hit_percent = done ? 100.0 * static_cast<double>(counters_.open.load()) / static_cast<double>(done) : 0;
  return fmt::format(
      "{} {:.0f}% ({}); send: {} {} ({} avg); recv: {} {}; hits: {:.2f}%; drops: {}", format_duration(seconds(elapsed)),
      fraction * 100, eta, sent, format_rate(static_cast<double>(sent - last_sent_)), format_rate(average), received,
      format_rate(static_cast<double>(received - last_received_)), hit_percent, counters_.ring_drops.load());
}

void ProgressReporter::report(Nanos elapsed, std::optional<Nanos> sending_ended) {
  std::fprintf(out_, "%s\n", format(elapsed, sending_ended).c_str());
  std::fflush(out_);
  last_sent_ = counters_.sent.load();
  last_received_ = counters_.open.load() + counters_.closed.load() + counters_.unreachable.load();
}

}  // namespace fumidai::scanner
