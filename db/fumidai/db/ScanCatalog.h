#pragma once
// The scans row through an ingest's life: found by uid or created (with its
// month's partitions first), then marked finished at the end together with
// finalize_scan(), which folds the scan into the latest-state tables.
// Contract: stateless functions over a borrowed Session; each is one
// transaction.
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "fumidai/core/Error.h"
#include "fumidai/db/ScanMetadata.h"
#include "fumidai/db/Session.h"
#include "fumidai/db/UtcTime.h"

namespace fumidai::db {

struct StoredScan {
  std::int64_t id = 0;
  UtcMicros started{};  // the partition key its rows carry
  bool finished = false;
};

Result<std::optional<StoredScan>> find_scan(Session& session, const std::string& uid);

// ensure_scan_partitions(started), then the row unless its uid exists (a
// re-run, or a concurrent ingest of the same file); the row either way.
// `attribution` is the AttributionSnapshot's imports().
Result<StoredScan> create_scan(Session& session, const ScanMetadata& metadata,
                               const boost::json::object& attribution);

// Sets finished, summary, the metadata columns, rows_ingested (the ledger's
// sum), then SELECT finalize_scan(id). Ports and targets are merged with the
// row's when `metadata.ports_from_records` (another file may have added some).
Result<> finish_scan(Session& session, std::int64_t scan_id, const ScanMetadata& metadata);

}  // namespace fumidai::db
