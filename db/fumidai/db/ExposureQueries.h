#pragma once
// The read side behind the REST API (issue 7): exposure counts per ISP for a
// scan, one ISP's exposed routers page by page, and one host's current
// services with its history and changes. Each is a prepared statement over
// what finalize_scan() keeps (db/migrations/0002_history.sql): the folded
// state (hosts, host_services) and the per-scan counts (scan_exposure), so
// none of them reads the observations in bulk.
// Contract: borrows the Session, which must outlive it; one thread at a time
// (as the Session); statements are prepared on the connection at first use.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/db/Scope.h"
#include "fumidai/db/Session.h"

namespace fumidai::db {

using TimePoint = std::chrono::system_clock::time_point;

// ---- exposure counts by ISP ------------------------------------------------

enum class CountBy { category, label };
enum class IspGrouping { organization, asn };

struct ExposureCountsRequest {
  std::optional<std::int64_t> scan_id;  // default: the latest finalized scan
  CountBy by = CountBy::category;
  IspGrouping isp = IspGrouping::organization;
};

struct ExposureCount {
  std::optional<std::int64_t> asn;  // set when grouped by ASN (and known)
  std::string org_id;               // empty: no organisation known
  std::string org_name;
  std::string name;  // the category or label
  std::int64_t services = 0;
  std::int64_t hosts = 0;  // distinct addresses
};

struct ExposureCounts {
  std::int64_t scan_id = 0;
  TimePoint scan_started;
  std::vector<ExposureCount> rows;  // by organisation, ASN, then name
};

// ---- one ISP's exposed routers ---------------------------------------------

// Exactly one of the two: an ASN, or a non-empty organisation id.
struct IspSelector {
  std::optional<std::int64_t> asn;
  std::string org_id;
};

struct ExposedRoutersRequest {
  IspSelector isp;
  std::string cursor;  // empty: the first page; else a page's next_cursor
  int limit = 100;     // 1..kMaxPageSize
};

// A host whose services named a router make and that has a service exposed
// now (its latest state).
struct ExposedRouter {
  std::string ip;
  std::optional<std::int64_t> asn;
  std::string org_id;
  std::string org_name;
  std::string country;
  std::string vendor;
  std::string product;
  std::string version;
  std::vector<std::string> categories;  // of its current services
  std::vector<std::string> labels;
  int services = 0;
  TimePoint first_seen;
  TimePoint last_seen;
  std::int64_t last_scan_id = 0;
};

struct ExposedRoutersPage {
  std::vector<ExposedRouter> routers;  // in address order
  std::string next_cursor;             // empty on the last page
};

// ---- one host --------------------------------------------------------------

struct HostService {
  int port = 0;
  std::string transport;
  std::string protocol;
  std::string status;
  bool current = false;  // false: a later scan covering it no longer saw it
  TimePoint first_seen;
  TimePoint last_seen;
  std::int64_t first_scan_id = 0;
  std::int64_t last_scan_id = 0;
  std::optional<TimePoint> gone_since;
  std::optional<std::int64_t> gone_scan_id;
  std::vector<std::string> rule_ids;
  std::vector<std::string> categories;
  std::vector<std::string> labels;
};

// One service in one scan that covered it: change is new, appeared,
// unchanged, changed or disappeared (host_history() in 0002_history.sql).
struct HostEvent {
  std::int64_t scan_id = 0;
  TimePoint scan_started;
  int port = 0;
  std::string transport;
  std::string change;
  std::string protocol;  // empty for disappeared
  std::string status;
  std::vector<std::string> rule_ids;
  std::vector<std::string> categories;
  std::vector<std::string> labels;
};

struct HostView {
  bool known = false;  // false: no finalized scan ever saw it (the rest is empty)
  std::string ip;
  std::optional<std::int64_t> asn;
  std::string org_id;
  std::string org_name;
  std::string country;
  std::string ptr;
  std::string router_vendor;
  std::string router_product;
  std::string router_version;
  std::vector<std::string> categories;
  std::vector<std::string> labels;
  TimePoint first_seen;
  TimePoint last_seen;
  std::vector<HostService> services;  // current first, then by port
  std::vector<HostEvent> history;     // oldest first; the latest history_limit events
};

class ExposureQueries {
 public:
  static constexpr int kMaxPageSize = 1000;
  static constexpr int kMaxHistory = 10000;

  explicit ExposureQueries(Session& session);

  // An unknown or unfinalized scan id, or no finalized scan at all, is an
  // input error.
  Result<ExposureCounts> counts_by_isp(const ExposureCountsRequest& request);
  // A bad selector, limit or cursor is an input error.
  Result<ExposedRoutersPage> exposed_routers(const ExposedRoutersRequest& request);
  // `ip` must be an IPv4 or IPv6 address; history_limit 1..kMaxHistory.
  Result<HostView> host(const std::string& ip, int history_limit = 500);
  // Whether the host is known and inside `scope` (its latest attribution):
  // the API answers a host outside an analyst's constituency as unknown.
  Result<bool> host_in_scope(const std::string& ip, const Scope& scope);

 private:
  Session& session_;
};

}  // namespace fumidai::db
