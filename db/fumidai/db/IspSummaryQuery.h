#pragma once
// GET /v1/isps/{asn}: one ISP's page, by one of its ASNs: its name and
// country (AS2Org, the current import), its routed prefixes (pfx2as and
// GeoLite2-ASN, current), and from scan_exposure its exposure by category
// and product and its top labels in the latest finalized scan, and its trend
// (services and hosts) over the latest scans.
// Contract: borrows the Session, which must outlive it; one thread at a time.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/db/ExposureStats.h"
#include "fumidai/db/Session.h"

namespace fumidai::db {

struct NamedCount {
  std::string name;
  std::int64_t services = 0;
  std::int64_t hosts = 0;
};

struct IspSummary {
  bool known = false;  // false: neither attribution data nor any scan knows the ASN
  std::int64_t asn = 0;
  std::string org_id;
  std::string name;
  std::string country;
  std::vector<std::string> prefixes;  // at most kMaxPrefixes, in address order
  bool prefixes_truncated = false;
  std::optional<std::int64_t> scan_id;  // the latest finalized scan, if any
  std::vector<NamedCount> categories;
  std::vector<ProductStatsRow> products;
  std::vector<NamedCount> top_labels;  // at most kTopLabels, most hosts first
  std::vector<TimelinePoint> trend;    // oldest first, the latest kTrendScans scans
};

class IspSummaryQuery {
 public:
  static constexpr int kMaxPrefixes = 1000;
  static constexpr int kTopLabels = 10;
  static constexpr int kTrendScans = 12;

  explicit IspSummaryQuery(Session& session) : session_(session) {}
  Result<IspSummary> summary(std::int64_t asn);

 private:
  Session& session_;
};

}  // namespace fumidai::db
