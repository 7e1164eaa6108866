#pragma once
// The first of `fumidai ingest`'s two passes over a JSONL file: the SHA-256
// of its bytes (the scan's default uid, so a re-run finds the same scan) and
// the earliest record time (the scan's start when no summary gives it, which
// every row carries as its partition key, so it must be known before the
// first row is encoded). Records are read by a SAX parser that builds
// nothing; the first line that is not JSON is reported, so that a file broken
// that way is refused before anything is written.
// Contract: a pure function of the file.
#include <cstdint>
#include <optional>
#include <string>

#include "fumidai/core/Error.h"
#include "fumidai/db/UtcTime.h"

namespace fumidai::db {

struct RecordFileSurvey {
  std::string sha256;                // hex
  std::optional<UtcMicros> earliest;  // of the top-level "ts" values that parse
  std::uint64_t lines = 0;
  std::uint64_t first_bad_line = 0;  // 0: every non-blank line is JSON
  std::string first_bad_reason;      // as the encoder words it ("not JSON: ...")

  // Reads `path` once. A file that cannot be read is an input error.
  static Result<RecordFileSurvey> of(const std::string& path, std::size_t max_line);
};

}  // namespace fumidai::db
