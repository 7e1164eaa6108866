#pragma once
// Drives a GrabEngine with the built-in probe modules over real loopback
// sockets, with time on a ManualClock: every timeout fires because the test
// moved the clock, never because the machine was slow. For probe modules'
// engine-level tests; GrabEngineTest.cpp has the engine's own.
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

class GrabHarness {
 public:
  static constexpr std::uint32_t kLoopback = 0x7f000001;

  // Read timeout 5 s, one retry; `module` grabs every target.
  explicit GrabHarness(std::string_view module) : GrabHarness(default_options(), module) {}
  GrabHarness(scanner::GrabOptions o, std::string_view module) : options(std::move(o)) {
    scanner::register_builtin_probes(registry);
    profile.emplace(scanner::PortProfile::single(*registry.find(module)));
  }

  static scanner::GrabOptions default_options() {
    using namespace std::chrono_literals;
    scanner::GrabOptions o;
    o.connect_rate = 0;
    o.connect_timeout = 2s;
    o.read_timeout = 5s;
    o.total_timeout = 20s;
    o.connect_retries = 1;
    o.fetch_favicon = false;
    return o;
  }

  // Grabs 127.0.0.1:`port` to the end and returns its one record.
  scanner::GrabRecord grab(std::uint16_t port, scanner::Transport transport = scanner::Transport::tcp) {
    source.add({kLoopback, port, transport});
    engine_.emplace(
        io, clock, options, *profile, blocklist, source, [this](const scanner::GrabRecord& r) { records.push_back(r); },
        scanner::GrabEngine::PtrLookup{});
    settle();
    for (int i = 0; i < 400 && !engine_->finished(); ++i) {
      clock.advance(std::chrono::milliseconds(500));
      settle();
    }
    EXPECT_TRUE(engine_->finished());
    EXPECT_EQ(records.size(), 1u);
    return records.empty() ? scanner::GrabRecord{} : records.front();
  }

  scanner::GrabOptions options;
  boost::asio::io_context io;
  ManualClock clock{Nanos{1'000'000'000}};
  scanner::ProbeRegistry registry;
  std::optional<scanner::PortProfile> profile;
  scanner::IntervalSet blocklist;
  std::vector<scanner::GrabRecord> records;

 private:
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

  // Lets real I/O happen without moving the clock.
  void settle() {
    for (int i = 0; i < 40; ++i) {
      engine_->tick();
      io.restart();
      io.run_for(std::chrono::milliseconds(2));
    }
  }

  ListSource source;
  std::optional<scanner::GrabEngine> engine_;
};

}  // namespace fumidai::test
