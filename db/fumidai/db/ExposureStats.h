#pragma once
// The statistics endpoints: exposure counts per ISP (or ASN) x category (or
// label) for one scan, per product for one scan, and per scan over time,
// all narrowed by an ExposureFilter within a Scope. Counts come from
// scan_exposure (what finalize_scan() precomputes per scan, ASN and
// country) when the filter and scope name only what it is keyed by, and from
// the scan's observations otherwise (a prefix, port, protocol or time
// filter, or a constituency of prefixes), with the same meaning either way.
// Contract: borrows the Session, which must outlive it; one thread at a time.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/db/ExposureFilter.h"
#include "fumidai/db/Scope.h"
#include "fumidai/db/Session.h"

namespace fumidai::db {

enum class StatsCountBy { category, label };
enum class StatsGroupBy { organization, asn };

struct IspStatsRequest {
  ExposureFilter filter;  // filter.scan_id: the scan (default: the latest finalized)
  Scope scope;
  StatsCountBy by = StatsCountBy::category;
  StatsGroupBy group = StatsGroupBy::organization;
};

struct IspStatsRow {
  std::optional<std::int64_t> asn;  // set when grouped by ASN
  std::string org_id;               // empty: no organisation known
  std::string org_name;
  std::string name;  // the category or label
  std::int64_t services = 0;
  std::int64_t hosts = 0;
};

struct ProductStatsRow {
  std::string vendor;
  std::string product;
  std::string category;
  std::int64_t services = 0;
  std::int64_t hosts = 0;
};

template <class Row>
struct ScanStats {
  std::int64_t scan_id = 0;
  std::chrono::system_clock::time_point scan_started;
  std::vector<Row> rows;
};

struct TimelineRequest {
  ExposureFilter filter;  // scan_id, since and until are not used here
  Scope scope;
  std::optional<std::string> since;  // scans started at or after (timestamptz text)
  std::optional<std::string> until;  // scans started at or before
  int limit = 52;                    // the latest `limit` scans, 1..kMaxTimeline
};

struct TimelinePoint {
  std::int64_t scan_id = 0;
  std::chrono::system_clock::time_point scan_started;
  std::int64_t services = 0;
  std::int64_t hosts = 0;
};

class ExposureStats {
 public:
  static constexpr int kMaxTimeline = 500;
  static constexpr std::size_t kMaxRows = 100000;  // a bound on any one answer

  explicit ExposureStats(Session& session) : session_(session) {}

  // An unknown or unfinalized scan, or none at all, is an input error.
  Result<ScanStats<IspStatsRow>> by_isp(const IspStatsRequest& request);
  Result<ScanStats<ProductStatsRow>> by_product(const ExposureFilter& filter, const Scope& scope);
  // Oldest first.
  Result<std::vector<TimelinePoint>> timeline(const TimelineRequest& request);

 private:
  Session& session_;
};

}  // namespace fumidai::db
