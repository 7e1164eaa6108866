#include "GrabRunner.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "RecordWriter.h"
#include "fumidai/scanner/dns/ReverseDnsResolver.h"
#include "fumidai/scanner/grab/GrabEngine.h"

namespace fumidai::cli {
namespace {

namespace asio = boost::asio;
using scanner::GrabEngine;

// File descriptors beyond the sockets: stdio, output, resolver, epoll.
constexpr rlim_t kSpareFiles = 64;
// Records waiting for a RecordWriter worker, per worker: enough to smooth a
// burst of grabs ending at once, few enough that full HTTP bodies stay small.
constexpr std::size_t kQueuedRecordsPerWorker = 512;

}  // namespace

Result<> raise_file_limit(std::size_t concurrency) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return make_error("cannot read the open-file limit");
  const rlim_t want = static_cast<rlim_t>(concurrency) + kSpareFiles;
  if (limit.rlim_cur >= want) return {};
  limit.rlim_cur = std::min(want, limit.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < want)
    return make_input_error(fmt::format("--concurrency {} needs {} open files, but the hard limit is {}", concurrency,
                                        want, limit.rlim_max));
  return {};
}

Result<std::string> run_grab(const GrabSetup& setup, const scanner::IntervalSet& blocklist,
                             scanner::TargetRouter& router, RecordSink& output, Clock& clock, bool quiet,
                             const std::atomic<int>& interrupts) {
  if (auto raised = raise_file_limit(setup.options.max_concurrent); !raised) return raised.error();
  const scanner::GrabOptions options = options_per_thread(setup);

  struct Shard {
    asio::io_context io{1};
    std::unique_ptr<scanner::ReverseDnsResolver> resolver;
    std::optional<GrabEngine> engine;
  };
  std::vector<std::unique_ptr<Shard>> shards;
  // One worker per engine: a record takes the rules tens of microseconds
  // (bench/fingerprints.sh): one worker keeps up with one engine.
  RecordWriter writer(output, setup.fingerprints.get(), setup.threads, kQueuedRecordsPerWorker * setup.threads);
  const GrabEngine::RecordSink sink = [&writer](scanner::GrabRecord&& record) { writer.push(std::move(record)); };
  std::mutex finished_mutex;
  std::condition_variable finished_cv;
  std::size_t finished = 0;

  for (std::size_t i = 0; i < router.shards(); ++i) {
    auto shard = std::make_unique<Shard>();
    GrabEngine::PtrLookup ptr_lookup;
    if (setup.rdns) {
      scanner::ReverseDnsResolver::Options dns;
      dns.servers = setup.resolvers;
      dns.max_in_flight = std::max<std::size_t>(1, setup.dns_concurrency / router.shards());
      dns.timeout = setup.dns_timeout;
      auto created = scanner::ReverseDnsResolver::create(shard->io, dns);
      if (!created) return created.error();
      shard->resolver = std::move(*created);
      ptr_lookup = [resolver = shard->resolver.get()](std::uint32_t ip,
                                                      std::function<void(std::optional<std::string>)> done) {
        resolver->lookup(ip, [done = std::move(done)](Result<std::string> name) {
          done(name ? std::optional<std::string>(std::move(*name)) : std::nullopt);
        });
      };
    }
    shard->engine.emplace(shard->io, clock, options, *setup.profile, blocklist, router.queue(i), sink, ptr_lookup);
    shards.push_back(std::move(shard));
  }

  const Nanos started = clock.now();
  std::vector<std::thread> threads;
  for (auto& shard : shards) {
    Shard* s = shard.get();
    s->engine->start([&, s] {
      if (s->resolver) s->resolver->cancel_all();
      s->io.stop();
      const std::lock_guard lock(finished_mutex);
      ++finished;
      finished_cv.notify_all();
    });
    threads.emplace_back([s] { s->io.run(); });
  }

  // Status line and interrupts, once a second, until every engine is done.
  std::uint64_t last_records = 0;
  bool router_closed = false;
  while (true) {
    {
      std::unique_lock lock(finished_mutex);
      if (finished_cv.wait_for(lock, std::chrono::seconds(1), [&] { return finished == shards.size(); })) break;
    }
    if (interrupts.load() >= 1 && !router_closed) {
      router.close();
      router_closed = true;
    }
    if (interrupts.load() >= 2) {
      for (auto& shard : shards) shard->io.stop();
      break;
    }
    if (quiet) continue;
    std::uint64_t records = 0, names = 0;
    std::size_t active = 0, pending = 0;
    for (const auto& shard : shards) {
      const auto& p = shard->engine->progress();
      records += p.records.load();
      names += p.ptr_names.load();
      active += p.active.load();
      pending += p.pending.load();
    }
    const double elapsed = std::chrono::duration<double>(clock.now() - started).count();
    std::fprintf(stderr, "grab %5.0fs: %llu records (%llu/s), %zu open, %zu waiting, %llu PTR names\n", elapsed,
                 static_cast<unsigned long long>(records), static_cast<unsigned long long>(records - last_records),
                 active, pending, static_cast<unsigned long long>(names));
    last_records = records;
  }
  for (auto& t : threads) t.join();
  writer.finish();

  scanner::GrabStats stats;
  for (const auto& shard : shards) stats.add(shard->engine->stats());
  const double seconds = std::chrono::duration<double>(clock.now() - started).count();
  boost::json::object by_status;
  for (std::size_t i = 0; i < stats.by_status.size(); ++i)
    if (stats.by_status[i] > 0) by_status[scanner::to_string(static_cast<scanner::GrabStatus>(i))] = stats.by_status[i];
  boost::json::object summary{
      {"targets", stats.targets},
      {"records", stats.records},
      {"status", std::move(by_status)},
      {"ptr_lookups", stats.ptr_lookups},
      {"ptr_names", stats.ptr_names},
      {"threads", shards.size()},
      {"max_open_connections", stats.max_active},
      {"max_waiting_targets", stats.max_pending},
      {"grabs_per_second", seconds > 0 ? std::llround(static_cast<double>(stats.records) / seconds) : 0},
      {"duration_ms", std::llround(seconds * 1000)},
      {"interrupted", interrupts.load() > 0},
  };
  if (setup.fingerprints) summary["fingerprints"] = setup.fingerprints->statistics().to_json();
  return boost::json::serialize(summary);
}

}  // namespace fumidai::cli
