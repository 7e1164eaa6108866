#pragma once
// `fumidai import`: loads one attribution data set (one kind, one or more
// files, one data date) in one transaction. The attribution_imports row and
// every record go in together or not at all: a bad line aborts the import
// ("FILE:LINE: reason") and the data already there stays as it was, unless
// skip_bad passes bad lines over and counts them.
//
// An import is dated by its data (data_date), not by the day it was loaded:
// scans are attributed with the newest import dated on or before their start
// (import_as_of() in the schema), so loading new data never changes an old
// scan's view. Importing the same bytes (same SHA-256) as the same kind and
// date again does nothing and reports the import already there.
//
// Several files make one import: the five RIRs' delegated files, or
// GeoLite2's IPv4 and IPv6 blocks, which are one data set between them.
// Contract: stateless functions over a borrowed Session.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/db/AttributionKind.h"
#include "fumidai/db/Session.h"

namespace fumidai::db {

struct AttributionImportRequest {
  AttributionKind kind = AttributionKind::pfx2as;
  std::vector<std::string> files;  // as the user named them; messages and `source` use these names
  std::chrono::year_month_day data_date;
  bool skip_bad = false;
};

struct AttributionImportReport {
  std::int64_t import_id = 0;
  bool already_imported = false;  // the same bytes, kind and date were there: nothing was done
  std::int64_t rows = 0;          // rows stored, over all the kind's tables
  std::int64_t skipped = 0;       // bad lines passed over (skip_bad)
  std::vector<std::string> first_skipped;  // "FILE:LINE: reason" for the first few
  std::string sha256;                      // of the files' bytes, in the order given
};

// The bad lines a report spells out; the rest are only counted.
inline constexpr std::size_t max_reported_bad_lines = 5;

Result<AttributionImportReport> import_attribution(Session& session, const AttributionImportRequest& request);

// The data date: `given`, else what the file names say (they must agree),
// else the UTC day the newest of the files was last modified.
Result<std::chrono::year_month_day> resolve_data_date(AttributionKind kind, const std::vector<std::string>& files,
                                                      std::optional<std::chrono::year_month_day> given);

struct AttributionImportInfo {
  std::int64_t id = 0;
  std::string kind;
  std::string source;
  std::string sha256;
  std::string data_date;    // YYYY-MM-DD
  std::string imported_at;  // ISO 8601, UTC
  std::int64_t rows = 0;
  std::int64_t skipped = 0;
  bool current = false;  // the newest of its kind (current_imports)
};

// The imports, newest data first (then newest import), at most `limit`.
Result<std::vector<AttributionImportInfo>> list_attribution_imports(Session& session, std::size_t limit);

}  // namespace fumidai::db
