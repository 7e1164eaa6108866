#include "fumidai/db/IngestReport.h"

#include <fmt/format.h>

namespace fumidai::db {

std::string IngestReport::line() const {
  return fmt::format(
      "ingest: {} rows in {} batches ({} already in), {} duplicates, {} reconnects, {} bad lines; {:.2f} s, finalize "
      "{:.2f} s",
      rows, batches, batches_skipped, duplicates, reconnects, bad_lines, seconds, finalize_seconds);
}

boost::json::object IngestReport::to_json() const {
  return {{"records", records},       {"rows", rows},
          {"batches", batches},       {"batches_skipped", batches_skipped},
          {"duplicates", duplicates}, {"reconnects", reconnects},
          {"bad_lines", bad_lines},   {"seconds", seconds},
          {"finalize_seconds", finalize_seconds}};
}

}  // namespace fumidai::db
