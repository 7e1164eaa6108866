#pragma once
// One record (a JSONL line of scanner/data/service-record.v1.schema.json or
// scan-record.v1.schema.json) → its COPY rows: one services row, one
// fingerprint_matches row per fingerprint category (the first fingerprint of
// each category wins), one service_labels row per distinct label. ASN,
// organisation and country come from the scan's AttributionSnapshot.
//  - categories: the distinct categories of its fingerprints, in order;
//    labels: the distinct label ids, in order; severity: the highest of the
//    labels' (critical > high > medium > low > info), null without labels.
//  - data and fingerprints are stored as jsonb, as written; a stage-1 TCP
//    record has neither (null data, empty fingerprints).
//  - Keys the schema does not name are ignored (v1 may add fields).
// A record that breaks the schema where a column needs it (ip, port,
// transport, status, ts, the typed optional fields, the fingerprint and label
// objects), or that holds NUL or a number beyond a double's range, is an
// input error saying which field, and nothing is appended.
// Contract: one thread at a time (it reuses a parser); the snapshot is
// borrowed and must outlive it.
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parser.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <optional>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/db/AttributionSnapshot.h"
#include "fumidai/db/CopyRows.h"
#include "fumidai/db/ServiceKey.h"
#include "fumidai/db/UtcTime.h"

namespace fumidai::db {

// The scan the rows belong to (its id and partition key).
struct ScanRef {
  std::int64_t id = 0;
  UtcMicros started{};
};

struct EncodedRecord {
  ServiceKey key;
  UtcMicros seen_at{};
};

class RowEncoder {
 public:
  // A line longer than this is a bad record (stage 2 keeps 64 KiB of body by
  // default; jsonb refuses a value over 255 MB anyway).
  static constexpr std::size_t kMaxLineBytes = 128 * 1024 * 1024;

  RowEncoder(ScanRef scan, const AttributionSnapshot& attribution);
  RowEncoder(const RowEncoder&) = delete;
  RowEncoder& operator=(const RowEncoder&) = delete;

  Result<EncodedRecord> encode_line(std::string_view line, CopyRows& out);
  Result<EncodedRecord> encode(const boost::json::object& record, CopyRows& out);

 private:
  ScanRef scan_;
  std::string scan_prefix_;  // "scan_id\tscan_started\t", the same for every row
  const AttributionSnapshot& attribution_;
  // Each line's values live in an arena made afresh per line over
  // arena_buffer_ (Boost 1.81's monotonic_resource::release() is unreliable),
  // so a typical record allocates nothing.
  std::vector<unsigned char> arena_buffer_;
  std::optional<boost::json::monotonic_resource> arena_;
  boost::json::parser parser_;
  std::string json_;  // scratch for serialised jsonb values
};

}  // namespace fumidai::db
