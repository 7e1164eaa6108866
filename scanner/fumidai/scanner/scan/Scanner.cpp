#include "fumidai/scanner/scan/Scanner.h"

#include <fmt/format.h>
#include <sys/random.h>

#include <array>
#include <boost/json.hpp>
#include <cassert>
#include <cmath>
#include <optional>
#include <thread>
#include <vector>

#include "fumidai/scanner/order/FeistelPermutation.h"
#include "fumidai/scanner/order/ShardPlan.h"
#include "fumidai/scanner/packet/SynProbeBuilder.h"
#include "fumidai/scanner/packet/UdpProbeBuilder.h"
#include "fumidai/scanner/recv/PacketReceiver.h"
#include "fumidai/scanner/scan/Checkpoint.h"
#include "fumidai/scanner/scan/ProgressReporter.h"
#include "fumidai/scanner/scan/ResponseProcessor.h"
#include "fumidai/scanner/scan/ScanCounters.h"
#include "fumidai/scanner/send/PacketSender.h"
#include "fumidai/scanner/send/RateLimiter.h"
#include "fumidai/scanner/target/TargetSpace.h"
#include "fumidai/scanner/udp/UdpCookie.h"
#include "fumidai/scanner/validate/ProbeValidator.h"

namespace fumidai::scanner {
namespace {

constexpr Nanos kStatusInterval = std::chrono::seconds(1);
constexpr Nanos kMonitorTick = std::chrono::milliseconds(50);
constexpr int kReceivePollMs = 20;
// Debt a sender may catch up after a stall: 10 ms worth, at least one batch.
constexpr double kMaxDebtSeconds = 0.01;
// How often a sender held back by the results' consumer looks again.
constexpr Nanos kHoldPoll = std::chrono::milliseconds(5);

std::uint64_t random_u64() {
  std::uint64_t value = 0;
  while (::getrandom(&value, sizeof(value), 0) != sizeof(value)) {
  }
  return value;
}

// Identifies the scan's shape for --resume: what was scanned must not change.
std::uint64_t scan_fingerprint(const TargetSpace& space, const ScanConfig& c) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  const auto mix = [&h](std::uint64_t v) {
    h ^= v;
    h *= 0x100000001b3ULL;
  };
  for (const auto& in : space.addresses().intervals()) {
    mix(in.first);
    mix(in.last);
  }
  // A TCP-only scan's fingerprint is what it was before UDP existed.
  for (auto p : space.ports()) mix(p.transport == Transport::tcp ? p.port : 0x10000u | p.port);
  mix(c.shards);
  mix(c.shard);
  mix(c.probes);
  return h;
}

struct SenderContext {
  const TargetSpace& space;
  const FeistelPermutation& permutation;
  const ProbeValidator& validator;
  const SynProbeBuilder& builder;
  const UdpProbeBuilder& udp_builder;
  const UdpPayloadProfile* udp_payloads;  // null: no UDP ports
  std::size_t frame_stride;               // room for the largest frame the scan sends
  const IntervalSet& blocklist;
  const ScanConfig& config;
  std::uint32_t source_ip;
  Checkpoint& checkpoint;
  ScanCounters& counters;
  std::atomic<bool>& stop;
  Clock& clock;
};

// Writes the frames of target t's probes at frames[count * stride...],
// their sizes at sizes[count...]; returns the new count.
std::size_t build_probes(const SenderContext& ctx, const Target& t, std::span<std::uint8_t> frames,
                         std::span<std::uint16_t> sizes, std::size_t count) {
  const ScanConfig& c = ctx.config;
  const std::size_t stride = ctx.frame_stride;
  if (t.transport == Transport::tcp) {
    const ProbeCookie cookie = ctx.validator.cookie(ctx.source_ip, t.address, t.port);
    for (std::uint32_t probe = 0; probe < c.probes; ++probe, ++count) {
      ctx.builder.build(SynProbe{t.address, t.port, ctx.validator.source_port(cookie, probe), cookie.sequence,
                                 static_cast<std::uint16_t>(cookie.port_word >> 16)},
                        std::span<std::uint8_t, SynProbeBuilder::kFrameSize>(frames.data() + count * stride,
                                                                             SynProbeBuilder::kFrameSize));
      sizes[count] = SynProbeBuilder::kFrameSize;
    }
    return count;
  }
  const ProbeCookie cookie = ctx.validator.cookie(ctx.source_ip, t.address, t.port, Transport::udp);
  const UdpCookie udp_cookie = UdpCookie::from(cookie);
  const UdpPayload& payload = *ctx.udp_payloads->payload_for(t.port);
  for (std::uint32_t probe = 0; probe < c.probes; ++probe, ++count) {
    const auto frame = frames.subspan(count * stride, stride);
    const std::size_t payload_size = payload.build(udp_cookie, frame.subspan(UdpProbeBuilder::kHeaderSize));
    sizes[count] = static_cast<std::uint16_t>(
        ctx.udp_builder.build(UdpProbe{t.address, t.port, ctx.validator.source_port(cookie, probe),
                                       static_cast<std::uint16_t>(cookie.port_word >> 16)},
                              payload_size, frame));
  }
  return count;
}

// One sender thread: walks its ShardPlan, builds a batch, hands it to the
// kernel, records progress. Never throws; a send error ends the thread and is
// reported through `error`.
void run_sender(const SenderContext& ctx, std::uint32_t thread, PacketSender& sender, std::optional<Error>& error) {
  const ScanConfig& c = ctx.config;
  const ShardPlan plan(ctx.space.size(), c.shards, c.shard, c.sender_threads, thread);
  const double targets_per_second = c.rate_pps / c.sender_threads / c.probes;
  const auto max_debt = static_cast<std::uint64_t>(std::max(targets_per_second * kMaxDebtSeconds, 1.0));
  RateLimiter limiter(ctx.clock, targets_per_second,
                      std::max<std::uint64_t>(max_debt, PacketSender::kMaxBatch / c.probes));
  const std::size_t targets_per_batch = std::max<std::size_t>(PacketSender::kMaxBatch / c.probes, 1);
  std::vector<std::uint8_t> frames(targets_per_batch * c.probes * ctx.frame_stride);
  std::vector<std::uint16_t> sizes(targets_per_batch * c.probes);
  // A TCP-only scan sends same-size frames; no sizes to hand over.
  const bool same_size = ctx.udp_payloads == nullptr;

  std::uint64_t step = ctx.checkpoint.next_step(thread);
  while (step < plan.steps() && !ctx.stop.load(std::memory_order_relaxed)) {
    if (c.hold_sending && c.hold_sending()) {
      ctx.clock.sleep_until(ctx.clock.now() + kHoldPoll);
      continue;
    }
    const std::uint64_t grant = limiter.acquire(std::min<std::uint64_t>(targets_per_batch, plan.steps() - step));
    std::size_t count = 0;
    for (std::uint64_t i = 0; i < grant; ++i) {
      const Target t = ctx.space.at(ctx.permutation.permute(plan.position(step + i)));
      if (ctx.blocklist.contains(t.address)) {  // unreachable by construction; never send regardless
        ctx.counters.blocklist_skipped.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      count = build_probes(ctx, t, frames, sizes, count);
    }
    auto sent = same_size ? sender.send(frames, ctx.frame_stride, count)
                          : sender.send(frames, ctx.frame_stride, std::span<const std::uint16_t>(sizes).first(count));
    if (!sent) {
      error = sent.error();
      ctx.stop.store(true);
      return;
    }
    step += grant;
    ctx.checkpoint.record(thread, step);
    ctx.counters.sent.fetch_add(*sent, std::memory_order_relaxed);
    ctx.counters.targets_done.fetch_add(grant, std::memory_order_relaxed);
  }
  const std::int64_t now = ctx.clock.now().count();
  std::int64_t last = ctx.counters.last_send_ns.load();
  while (last < now && !ctx.counters.last_send_ns.compare_exchange_weak(last, now)) {
  }
}

std::uint64_t remaining_targets(const TargetSpace& space, const ScanConfig& c, const Checkpoint& checkpoint) {
  std::uint64_t total = 0;
  for (std::uint32_t t = 0; t < c.sender_threads; ++t) {
    const ShardPlan plan(space.size(), c.shards, c.shard, c.sender_threads, t);
    total += plan.steps() - std::min(plan.steps(), checkpoint.next_step(t));
  }
  return total;
}

}  // namespace

Result<std::string> Scanner::run(const std::atomic<int>& interrupts) {
  const ScanConfig& c = config_;
  auto space = TargetSpace::create(c.targets, c.blocklist, c.ports, c.udp_ports);
  if (!space) return space.error();
  const std::uint64_t fresh_seed = random_u64();
  auto checkpoint =
      c.resume_path
          ? Checkpoint::open(*c.resume_path, scan_fingerprint(*space, c), c.sender_threads, c.seed, fresh_seed)
          : Result<Checkpoint>(Checkpoint::in_memory(c.sender_threads, c.seed.value_or(fresh_seed)));
  if (!checkpoint) return checkpoint.error();
  const FeistelPermutation permutation(space->size(), checkpoint->seed());
  const std::uint64_t to_send = remaining_targets(*space, c, *checkpoint);

  RouteResolver resolver(clock_);
  auto path = resolver.resolve(space->addresses().intervals().front().first, c.network);
  if (!path) return path.error();
  std::vector<PacketSender> senders;
  for (std::uint32_t t = 0; t < c.sender_threads; ++t) {
    auto sender = PacketSender::open(path->interface_index);
    if (!sender) return sender.error();
    senders.push_back(std::move(*sender));
  }
  assert(c.udp_ports.empty() || c.udp_payloads);
  const UdpPayloadProfile* udp_payloads = c.udp_ports.empty() ? nullptr : c.udp_payloads.get();
  auto receiver = PacketReceiver::open(
      path->interface_index, path->source_ip,
      udp_payloads ? std::optional(PacketReceiver::PortRange{c.source_port_first, c.source_port_last}) : std::nullopt);
  if (!receiver) return receiver.error();

  const SipKey key{random_u64(), random_u64()};
  const ProbeValidator validator(key, c.source_port_first, c.source_port_last, c.probes);
  const SynProbeBuilder builder(path->source_mac, path->gateway_mac, path->source_ip);
  const UdpProbeBuilder udp_builder(path->source_mac, path->gateway_mac, path->source_ip);
  std::size_t frame_stride = SynProbeBuilder::kFrameSize;
  for (auto port : c.udp_ports) {
    frame_stride = std::max(frame_stride, UdpProbeBuilder::kHeaderSize + udp_payloads->payload_for(port)->max_size());
  }
  ScanCounters counters;
  ResponseProcessor processor(validator, path->source_ip, c.report_closed, output_, clock_, counters, udp_payloads);

  const std::int64_t started_wall = clock_.wall_now_ns();
  const Nanos started = clock_.now();
  std::atomic<bool> stop_sending{false};
  std::atomic<bool> stop_receiving{false};
  std::optional<Error> receive_error;
  std::thread receive_thread([&] {
    while (!stop_receiving.load()) {
      auto polled = receiver->poll(kReceivePollMs, [&](std::span<const std::uint8_t> f) { processor.handle_frame(f); });
      if (!polled) {
        receive_error = polled.error();
        return;
      }
      counters.ring_drops.fetch_add(receiver->take_drops(), std::memory_order_relaxed);
    }
  });

  SenderContext context{*space,      permutation, validator,       builder,     udp_builder, udp_payloads, frame_stride,
                        c.blocklist, c,           path->source_ip, *checkpoint, counters,    stop_sending, clock_};
  std::vector<std::optional<Error>> send_errors(c.sender_threads);
  std::atomic<std::uint32_t> senders_running{c.sender_threads};
  std::vector<std::thread> send_threads;
  for (std::uint32_t t = 0; t < c.sender_threads; ++t) {
    send_threads.emplace_back([&, t] {
      run_sender(context, t, senders[t], send_errors[t]);
      senders_running.fetch_sub(1);
    });
  }

  // Monitor: status lines while sending, then the cooldown.
  const Nanos cooldown = std::chrono::duration_cast<Nanos>(std::chrono::duration<double>(c.cooldown_seconds));
  ProgressReporter progress(counters, to_send, cooldown, status_);
  Nanos next_status = started + kStatusInterval;
  std::optional<Nanos> send_finished;  // since `started`
  while (interrupts.load() < 2) {
    const Nanos now = clock_.now();
    if (interrupts.load() >= 1) stop_sending.store(true);
    if (!send_finished && senders_running.load() == 0) send_finished = now - started;
    if (send_finished && now - started - *send_finished >= cooldown) break;
    if (now >= next_status) {
      if (!c.quiet && status_) progress.report(now - started, send_finished);
      next_status += kStatusInterval;
      checkpoint->sync();
    }
    clock_.sleep_until(std::min(next_status, now + kMonitorTick));
  }
  stop_sending.store(true);
  for (auto& t : send_threads) t.join();
  const Nanos send_end{counters.last_send_ns.load()};
  stop_receiving.store(true);
  receive_thread.join();
  checkpoint->sync();
  for (auto& e : send_errors) {
    if (e) return *e;
  }
  if (receive_error) return *receive_error;

  const double send_seconds = std::chrono::duration<double>(send_end - started).count();
  const auto milliseconds = [](Nanos d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  boost::json::object summary{
      {"sent", counters.sent.load()},
      {"targets", counters.targets_done.load()},
      {"hits", counters.open.load()},
      {"closed", counters.closed.load()},
      {"udp_hits", counters.udp_open.load()},
      {"udp_closed", counters.udp_closed.load()},
      {"unreachable", counters.unreachable.load()},
      {"duplicates", counters.duplicates.load()},
      {"invalid", counters.invalid.load()},
      {"receive_drops", counters.ring_drops.load()},
      {"pps", send_seconds > 0 ? std::llround(static_cast<double>(counters.sent.load()) / send_seconds) : 0},
      {"duration_ms", milliseconds(clock_.now() - started)},
      {"send_duration_ms", milliseconds(send_end - started)},
      {"seed", checkpoint->seed()},
      {"shard", c.shard},
      {"shards", c.shards},
      {"sender_threads", c.sender_threads},
      {"probes", c.probes},
      {"rate", std::llround(c.rate_pps)},
      {"addresses", space->address_count()},
      {"ports", boost::json::array(c.ports.begin(), c.ports.end())},
      {"udp_ports", boost::json::array(c.udp_ports.begin(), c.udp_ports.end())},
      {"blocklisted", space->blocklisted_count()},
      {"resumed", checkpoint->resumed()},
      {"completed", remaining_targets(*space, c, *checkpoint) == 0},
      {"interface", path->interface},
      {"source_ip", format_ipv4(path->source_ip)},
      {"gateway_mac", format_mac(path->gateway_mac)},
      {"start", format_timestamp(started_wall)},
      {"end", format_timestamp(clock_.wall_now_ns())},
  };
  return boost::json::serialize(summary);
}

}  // namespace fumidai::scanner
