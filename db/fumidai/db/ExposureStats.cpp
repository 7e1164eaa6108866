#include "fumidai/db/ExposureStats.h"

#include <fmt/format.h>

#include <pqxx/pqxx>

#include "fumidai/db/FilterClause.h"
#include "fumidai/db/PreparedCall.h"

namespace fumidai::db {
namespace {

using ReadSnapshot = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;

constexpr const char* kScan =
    "SELECT id, epoch_us(started) FROM scans "
    "WHERE finalized IS NOT NULL AND id = coalesce($1::bigint, latest_scan_id())";

// Which filters the precomputed counts can answer: scan_exposure is keyed by
// (scan, kind, name, vendor, category, asn, org, country) and has no
// addresses, ports or times.
bool counts_answer(const ExposureFilter& f, const Scope& scope, bool categories, bool labels, bool products) {
  return f.prefixes.empty() && f.ports.empty() && f.protocols.empty() && !f.since && !f.until &&
         scope.prefixes.empty() && (categories || f.categories.empty()) && (labels || f.labels.empty()) &&
         (products || (f.vendors.empty() && f.products.empty()));
}

FilterColumns counts_columns(const std::string& kind) {
  FilterColumns c;
  c.asn = "e.asn";
  c.org_id = "e.org_id";
  c.org_name = "e.org_name";
  c.country = "e.country";
  if (kind == "category") c.categories = "ARRAY[e.name]";
  if (kind == "label") c.labels = "ARRAY[e.name]";
  if (kind == "product") {
    c.categories = "ARRAY[e.category]";
    c.fingerprints = "jsonb_build_array(jsonb_build_object('vendor', e.vendor, 'product', e.name))";
  }
  return c;
}

FilterColumns observation_columns() {
  FilterColumns c;
  c.ip = "o.ip";
  c.asn = "o.asn";
  c.org_id = "o.org_id";
  c.org_name = "o.org_name";
  c.country = "o.country";
  c.categories = "o.categories";
  c.labels = "o.labels";
  c.fingerprints = "o.fingerprints";
  c.port = "o.port";
  c.protocol = "o.protocol";
  c.scan = "o.scan_id = $SCAN";
  c.first_seen = "o.seen_at";
  c.last_seen = "o.seen_at";
  return c;
}

std::string group_columns(StatsGroupBy group, const char* alias) {
  return group == StatsGroupBy::organization
             ? fmt::format("NULL::bigint, coalesce({0}.org_id, ''), coalesce(max({0}.org_name), '')", alias)
             : fmt::format("{0}.asn, coalesce({0}.org_id, ''), coalesce(max({0}.org_name), '')", alias);
}

std::string group_keys(StatsGroupBy group, const char* alias) {
  return group == StatsGroupBy::organization ? fmt::format("{}.org_id", alias)
                                             : fmt::format("{0}.org_id, {0}.asn", alias);
}

// $1..$17 the filter, $18 the scan. The names counted are narrowed to the
// filter's own (counting by category with category=vpn counts vpn only).
std::string isp_sql(bool from_counts, StatsCountBy by, StatsGroupBy group) {
  const std::string kind = by == StatsCountBy::category ? "category" : "label";
  const std::string names = by == StatsCountBy::category ? "$5::text[]" : "$6::text[]";
  const std::string order = group == StatsGroupBy::organization ? " ORDER BY 2, 4" : " ORDER BY 2, 1 NULLS LAST, 4";
  if (from_counts) {
    return fmt::format(
        "SELECT {}, e.name, sum(e.services)::bigint, sum(e.hosts)::bigint FROM scan_exposure e "
        "WHERE e.scan_id = $18 AND e.kind = '{}' AND {} GROUP BY {}, e.name{}",
        group_columns(group, "e"), kind, FilterClause::sql(counts_columns(kind)), group_keys(group, "e"), order);
  }
  return fmt::format(
      "SELECT {}, n.name, count(*), count(DISTINCT o.ip) "
      "FROM scans s JOIN services o ON o.scan_started = s.started AND o.scan_id = s.id "
      "CROSS JOIN LATERAL unnest(o.{}) n(name) "
      "WHERE s.id = $18 AND service_present(o.status) AND ({} IS NULL OR n.name = ANY ({})) AND {} "
      "GROUP BY {}, n.name{}",
      group_columns(group, "o"), kind == "category" ? "categories" : "labels", names, names,
      FilterClause::sql(observation_columns()), group_keys(group, "o"), order);
}

std::string product_sql(bool from_counts) {
  if (from_counts) {
    return "SELECT e.vendor, e.name, e.category, sum(e.services)::bigint, sum(e.hosts)::bigint "
           "FROM scan_exposure e WHERE e.scan_id = $18 AND e.kind = 'product' AND " +
           FilterClause::sql(counts_columns("product")) +
           " GROUP BY e.vendor, e.name, e.category ORDER BY 4 DESC, 1, 2, 3";
  }
  FilterColumns c = observation_columns();
  c.categories = "ARRAY[m.category]";
  c.fingerprints = "jsonb_build_array(jsonb_build_object('vendor', m.vendor, 'product', m.product))";
  return "SELECT coalesce(m.vendor, ''), coalesce(m.product, ''), m.category, count(*), count(DISTINCT o.ip) "
         "FROM scans s JOIN services o ON o.scan_started = s.started AND o.scan_id = s.id "
         "JOIN fingerprint_matches m ON m.scan_started = o.scan_started AND m.scan_id = o.scan_id AND m.ip = o.ip "
         "                          AND m.port = o.port AND m.transport = o.transport "
         "WHERE s.id = $18 AND service_present(o.status) AND " +
         FilterClause::sql(c) + " GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2, 3";
}

// $1..$17 the filter, $18 since, $19 until, $20 how many scans.
std::string timeline_sql(bool from_counts) {
  const std::string scans =
      "SELECT id, started FROM scans WHERE finalized IS NOT NULL"
      " AND ($18::timestamptz IS NULL OR started >= $18::timestamptz)"
      " AND ($19::timestamptz IS NULL OR started <= $19::timestamptz)"
      " ORDER BY started DESC, id DESC LIMIT $20";
  const std::string counts =
      from_counts
          ? "SELECT coalesce(sum(e.services), 0)::bigint AS services, coalesce(sum(e.hosts), 0)::bigint AS hosts "
            "FROM scan_exposure e WHERE e.scan_id = s.id AND e.kind = 'service' AND " +
                FilterClause::sql(counts_columns("service"))
          : "SELECT count(*) AS services, count(DISTINCT o.ip) AS hosts FROM services o "
            "WHERE o.scan_started = s.started AND o.scan_id = s.id AND service_present(o.status) AND " +
                FilterClause::sql(observation_columns());
  return "SELECT s.id, epoch_us(s.started), c.services, c.hosts FROM (" + scans + ") s CROSS JOIN LATERAL (" + counts +
         ") c ORDER BY s.started, s.id";
}

std::string statement_name(std::string_view what, bool from_counts, int variant = 0) {
  return fmt::format("fumidai_api_stats_{}_{}_{}", what, from_counts ? "counts" : "observations", variant);
}

// The scan a statistic is for, as (id, started).
Result<std::pair<std::int64_t, long long>> resolve_scan(pqxx::transaction_base& tx,
                                                        const std::optional<std::int64_t>& scan_id) {
  tx.conn().prepare("fumidai_api_stats_scan", kScan);
  const pqxx::result scan = scan_id ? tx.exec_prepared("fumidai_api_stats_scan", *scan_id)
                                    : tx.exec_prepared("fumidai_api_stats_scan", nullptr);
  if (scan.empty()) {
    if (scan_id) return make_input_error(fmt::format("scan: {} is not a finalized scan", *scan_id));
    return make_input_error("scan: there is no finalized scan yet");
  }
  return std::pair{scan[0][0].as<std::int64_t>(), scan[0][1].as<long long>()};
}

Result<> check_rows(std::size_t rows) {
  if (rows > ExposureStats::kMaxRows) {
    return make_input_error(
        fmt::format("the answer has more than {} rows: narrow the filter", ExposureStats::kMaxRows));
  }
  return {};
}

// The scan a statistic counts is chosen apart (resolve_scan), so the filter's
// own scan condition is left out.
ExposureFilter without_scan(ExposureFilter filter) {
  filter.scan_id.reset();
  return filter;
}

}  // namespace

Result<ScanStats<IspStatsRow>> ExposureStats::by_isp(const IspStatsRequest& request) {
  auto parameters = FilterClause::parameters(without_scan(request.filter), request.scope);
  if (!parameters) return parameters.error();
  const bool from_counts = counts_answer(request.filter, request.scope, request.by == StatsCountBy::category,
                                         request.by == StatsCountBy::label, false);
  return guarded("counting exposures by ISP", [&]() -> Result<ScanStats<IspStatsRow>> {
    ReadSnapshot tx(session_.connection());
    detail::begin_filtered_read(tx);
    auto scan = resolve_scan(tx, request.filter.scan_id);
    if (!scan) return scan.error();
    const int variant = static_cast<int>(request.by) * 2 + static_cast<int>(request.group);
    const auto name = statement_name("isp", from_counts, variant);
    session_.connection().prepare(name, isp_sql(from_counts, request.by, request.group));
    parameters->push_back(std::to_string(scan->first));
    ScanStats<IspStatsRow> out{scan->first, detail::from_micros(scan->second), {}};
    const auto rows = detail::exec_prepared(tx, name, *parameters);
    if (auto ok = check_rows(rows.size()); !ok) return ok.error();
    for (const auto& r : rows) {
      out.rows.push_back(IspStatsRow{detail::optional_int(r[0]), r[1].as<std::string>(), r[2].as<std::string>(),
                                     r[3].as<std::string>(), r[4].as<std::int64_t>(), r[5].as<std::int64_t>()});
    }
    return out;
  });
}

Result<ScanStats<ProductStatsRow>> ExposureStats::by_product(const ExposureFilter& filter, const Scope& scope) {
  auto parameters = FilterClause::parameters(without_scan(filter), scope);
  if (!parameters) return parameters.error();
  const bool from_counts = counts_answer(filter, scope, true, false, true);
  return guarded("counting exposures by product", [&]() -> Result<ScanStats<ProductStatsRow>> {
    ReadSnapshot tx(session_.connection());
    detail::begin_filtered_read(tx);
    auto scan = resolve_scan(tx, filter.scan_id);
    if (!scan) return scan.error();
    const auto name = statement_name("product", from_counts);
    session_.connection().prepare(name, product_sql(from_counts));
    parameters->push_back(std::to_string(scan->first));
    ScanStats<ProductStatsRow> out{scan->first, detail::from_micros(scan->second), {}};
    const auto rows = detail::exec_prepared(tx, name, *parameters);
    if (auto ok = check_rows(rows.size()); !ok) return ok.error();
    for (const auto& r : rows) {
      out.rows.push_back(ProductStatsRow{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                                         r[3].as<std::int64_t>(), r[4].as<std::int64_t>()});
    }
    return out;
  });
}

Result<std::vector<TimelinePoint>> ExposureStats::timeline(const TimelineRequest& request) {
  if (request.limit < 1 || request.limit > kMaxTimeline) {
    return make_input_error(fmt::format("limit: {} is outside 1..{}", request.limit, kMaxTimeline));
  }
  ExposureFilter filter = request.filter;
  filter.scan_id.reset();
  filter.since.reset();
  filter.until.reset();
  auto parameters = FilterClause::parameters(filter, request.scope);
  if (!parameters) return parameters.error();
  const bool from_counts = counts_answer(filter, request.scope, false, false, false);
  parameters->push_back(request.since);
  parameters->push_back(request.until);
  parameters->push_back(std::to_string(request.limit));
  return guarded("counting exposures over time", [&]() -> Result<std::vector<TimelinePoint>> {
    ReadSnapshot tx(session_.connection());
    detail::begin_filtered_read(tx);
    const auto name = statement_name("timeline", from_counts);
    session_.connection().prepare(name, timeline_sql(from_counts));
    std::vector<TimelinePoint> out;
    for (const auto& r : detail::exec_prepared(tx, name, *parameters)) {
      out.push_back(TimelinePoint{r[0].as<std::int64_t>(), detail::from_micros(r[1].as<long long>()),
                                  r[2].as<std::int64_t>(), r[3].as<std::int64_t>()});
    }
    return out;
  });
}

}  // namespace fumidai::db
