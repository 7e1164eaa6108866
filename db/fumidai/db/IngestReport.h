#pragma once
// What an ingest did, for the one-line report on stderr and the scan's summary.
#include <boost/json/object.hpp>
#include <cstdint>
#include <string>

namespace fumidai::db {

struct IngestReport {
  std::uint64_t records = 0;          // records encoded (bad lines not included)
  std::uint64_t rows = 0;             // services rows written
  std::uint64_t batches = 0;          // batches committed
  std::uint64_t batches_skipped = 0;  // batches the ledger already held (a re-run, or a retry after a lost commit)
  std::uint64_t duplicates = 0;       // records whose (ip, port, transport) the scan already had
  std::uint64_t reconnects = 0;       // connections re-established after the server went away
  std::uint64_t bad_lines = 0;        // lines skipped with --skip-bad
  double seconds = 0;                 // from open to the last batch committed
  double finalize_seconds = 0;        // marking the scan finished, finalize_scan() included

  // "ingest: 7961 rows in 1 batches (0 already in), 0 duplicates, 0 reconnects, 0 bad lines;
  // 0.41 s, finalize 0.20 s"
  std::string line() const;
  boost::json::object to_json() const;
};

}  // namespace fumidai::db
