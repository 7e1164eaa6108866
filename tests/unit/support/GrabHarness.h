#pragma once
// A stage-2 engine driven by a test on a ManualClock: the built-in probes,
// one module for every target (PortProfile::single), targets from a list,
// records collected. settle() lets real loopback I/O happen without moving
// the clock; advance() moves it, so every timeout fires because the test
// said so. One harness per test, on the test's thread.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

#include "fumidai/core/ManualClock.h"
#include "fumidai/scanner/grab/GrabEngine.h"
#include "fumidai/scanner/grab/ProbeRegistry.h"

namespace fumidai::test {

class ListSource final : public scanner::TargetSource {
 public:
  void add(scanner::GrabTarget t) { targets_.push_back(t); }
  std::optional<scanner::GrabTarget> try_next() override {
    if (next_ == targets_.size()) return std::nullopt;
    return targets_[next_++];
  }
  bool exhausted() const override { return next_ == targets_.size(); }

 private:
  std::vector<scanner::GrabTarget> targets_;
  std::size_t next_ = 0;
};

// Short timeouts, no rate limit, no favicon.
inline scanner::GrabOptions quick_grab_options() {
  using namespace std::chrono_literals;
  scanner::GrabOptions o;
  o.connect_rate = 0;
  o.connect_timeout = 2s;
  o.read_timeout = 5s;
  o.total_timeout = 20s;
  o.fetch_favicon = false;
  return o;
}

struct GrabHarness {
  static constexpr std::uint32_t kLoopback = 0x7f000001;

  explicit GrabHarness(std::string_view module) : GrabHarness(quick_grab_options(), module) {}
  GrabHarness(scanner::GrabOptions o, std::string_view module) : options(std::move(o)) {
    scanner::register_builtin_probes(registry);
    profile.emplace(scanner::PortProfile::single(*registry.find(module)));
  }

  // Grabs 127.0.0.1:`port` to the end and returns its one record.
  scanner::GrabRecord grab(std::uint16_t port, scanner::Transport transport = scanner::Transport::tcp) {
    source.add({kLoopback, port, transport});
    run_to_end();
    EXPECT_EQ(records.size(), 1u);
    return records.empty() ? scanner::GrabRecord{} : records.front();
  }

  scanner::GrabEngine& engine() {
    if (!engine_)
      engine_.emplace(
          io, clock, options, *profile, blocklist, source,
          [this](const scanner::GrabRecord& r) { records.push_back(r); }, ptr_lookup);
    return *engine_;
  }
  void settle(int rounds = 40) {
    for (int i = 0; i < rounds; ++i) {
      engine().tick();
      io.restart();
      io.run_for(std::chrono::milliseconds(2));
    }
  }
  void advance(std::chrono::nanoseconds by) {
    clock.advance(by);
    settle();
  }
  void run_to_end(std::chrono::nanoseconds step = std::chrono::milliseconds(500), int max_steps = 400) {
    settle();
    for (int i = 0; i < max_steps && !engine().finished(); ++i) advance(step);
    ASSERT_TRUE(engine().finished());
  }
  const scanner::GrabRecord& only_record() {
    EXPECT_EQ(records.size(), 1u);
    return records.at(0);
  }

  scanner::GrabOptions options;
  boost::asio::io_context io;
  ManualClock clock{Nanos{1'000'000'000}};
  scanner::ProbeRegistry registry;
  std::optional<scanner::PortProfile> profile;
  scanner::IntervalSet blocklist;
  ListSource source;
  scanner::GrabEngine::PtrLookup ptr_lookup;  // none unless a test sets one before engine()
  std::vector<scanner::GrabRecord> records;
  std::optional<scanner::GrabEngine> engine_;
};

}  // namespace fumidai::test
