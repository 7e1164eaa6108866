#include "fumidai/db/ScanIngest.h"

#include <fmt/format.h>

#include <algorithm>

#include "fumidai/core/Trim.h"
#include "fumidai/db/Migrator.h"
#include "fumidai/db/ScanCatalog.h"

namespace fumidai::db {
namespace {}  // namespace

Result<std::unique_ptr<ScanIngest>> ScanIngest::open(const std::string& conninfo, ScanMetadata metadata,
                                                     IngestOptions options, Clock& clock) {
  if (options.batch_rows == 0 || options.batch_bytes == 0 || options.queued_batches == 0) {
    return make_input_error("ingest: batch rows, batch bytes and queued batches must be at least 1");
  }
  if (metadata.uid.empty()) return make_input_error("ingest: empty scan uid");
  auto session = open_current(conninfo);
  if (!session) return session.error();
  auto existing = find_scan(*session, metadata.uid);
  if (!existing) return existing.error();
  // A scan continued keeps its start: its rows already carry it as their partition key.
  if (*existing) metadata.started = (*existing)->started;
  auto attribution = AttributionSnapshot::load(*session, metadata.started);
  if (!attribution) return attribution.error();
  // An existing scan has its partitions and row already.
  auto scan = *existing ? Result<StoredScan>(**existing) : create_scan(*session, metadata, attribution->imports());
  if (!scan) return scan.error();
  std::unique_ptr<ScanIngest> ingest(new ScanIngest(conninfo, std::move(metadata), ScanRef{scan->id, scan->started},
                                                    existing->has_value(), std::move(*attribution), std::move(options),
                                                    clock));
  if (auto started = ingest->writer_.start(); !started) return started.error();
  return ingest;
}

ScanIngest::ScanIngest(std::string conninfo, ScanMetadata metadata, ScanRef scan, bool existed,
                       AttributionSnapshot attribution, IngestOptions options, Clock& clock)
    : conninfo_(std::move(conninfo)),
      metadata_(std::move(metadata)),
      scan_(scan),
      existed_(existed),
      attribution_(std::move(attribution)),
      options_(options),
      clock_(clock),
      encoder_(scan_, attribution_),
      writer_(conninfo_, scan_, std::move(options), clock),
      source_(std::make_shared<const std::string>("input")),
      batch_(source_),
      opened_(clock.now()) {}

ScanIngest::~ScanIngest() { abandon(); }

Result<> ScanIngest::begin_source(std::string name) {
  if (auto flushed = flush(); !flushed) return flushed;
  source_ = std::make_shared<const std::string>(std::move(name));
  batch_.clear(source_);
  return {};
}

Result<> ScanIngest::add_line(std::string_view line, std::uint64_t line_number) {
  if (is_blank_line(line)) return {};
  auto encoded = batch_.add_line(encoder_, line, line_number);
  if (!encoded) return make_input_error(fmt::format("{}:{}: {}", *source_, line_number, encoded.error().message));
  return added(encoded);
}

Result<> ScanIngest::add_record(const boost::json::object& record) {
  ++record_number_;
  auto encoded = batch_.add_record(encoder_, record, record_number_);
  if (!encoded) {
    return make_input_error(fmt::format("{} record {}: {}", *source_, record_number_, encoded.error().message));
  }
  return added(encoded);
}

Result<> ScanIngest::added(const Result<EncodedRecord>& encoded) {
  (encoded->key.udp ? udp_ports_seen_ : tcp_ports_seen_).insert(encoded->key.port);
  if (!last_seen_ || encoded->seen_at > *last_seen_) last_seen_ = encoded->seen_at;
  if (batch_.records() >= options_.batch_rows || batch_.bytes() >= options_.batch_bytes) return flush();
  return {};
}

Result<> ScanIngest::flush() {
  if (batch_.empty()) return {};
  IngestBatch full = std::exchange(batch_, writer_.spare_batch(source_));
  return writer_.push(std::move(full));
}

Result<IngestReport> ScanIngest::finish(const ScanMetadata* final_metadata) {
  if (ended_) return make_error("ingest: already ended");
  ended_ = true;
  if (auto flushed = flush(); !flushed) {
    writer_.abandon();
    return flushed.error();
  }
  if (auto written = writer_.finish(); !written) return written.error();
  const Nanos written_at = clock_.now();
  seconds_ = std::chrono::duration<double>(written_at - opened_).count();

  if (final_metadata != nullptr) {
    ScanMetadata kept = std::move(metadata_);
    metadata_ = *final_metadata;
    metadata_.uid = std::move(kept.uid);
    metadata_.name = std::move(kept.name);
    metadata_.started = kept.started;
  }
  if (metadata_.ports_from_records) {
    metadata_.ports.assign(tcp_ports_seen_.begin(), tcp_ports_seen_.end());
    metadata_.udp_ports.assign(udp_ports_seen_.begin(), udp_ports_seen_.end());
  }
  if (!metadata_.finished) metadata_.finished = std::max(last_seen_.value_or(metadata_.started), metadata_.started);

  // The server may have restarted since open(): a fresh session, with the
  // writer's patience.
  Nanos delay = options_.reconnect_delay;
  Result<Session> session = make_error("not connected");
  for (unsigned attempt = 1; attempt <= std::max(1u, options_.reconnect_attempts); ++attempt) {
    session = Session::open(conninfo_);
    if (session) break;
    clock_.sleep_until(clock_.now() + delay);
    delay = std::min(delay * 2, options_.reconnect_max_delay);
  }
  if (!session) return session.error();
  if (auto finished = finish_scan(*session, scan_.id, metadata_); !finished) return finished.error();
  finalize_seconds_ = std::chrono::duration<double>(clock_.now() - written_at).count();
  return report();
}

Result<> ScanIngest::stop() {
  if (ended_) return {};
  ended_ = true;
  return writer_.finish();
}

void ScanIngest::abandon() {
  ended_ = true;
  writer_.abandon();
}

IngestReport ScanIngest::report() const {
  IngestReport report = writer_.report();
  report.bad_lines = bad_lines_;
  report.seconds = seconds_;
  report.finalize_seconds = finalize_seconds_;
  return report;
}

}  // namespace fumidai::db
