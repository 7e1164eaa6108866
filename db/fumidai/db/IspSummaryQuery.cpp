#include "fumidai/db/IspSummaryQuery.h"

#include <pqxx/pqxx>

#include "fumidai/db/PreparedCall.h"

namespace fumidai::db {
namespace {

constexpr const char* kOrganization =
    "SELECT coalesce(a.org_id, ''), coalesce(o.name, a.as_name, ''), coalesce(o.country, '') "
    "FROM as_orgs a LEFT JOIN organizations o ON o.import_id = a.import_id AND o.org_id = a.org_id "
    "WHERE a.import_id = (SELECT id FROM current_imports WHERE kind = 'as2org') AND a.asn = $1";
constexpr const char* kPrefixes =
    "SELECT DISTINCT p.prefix, p.prefix::text FROM prefix_origins p "
    "WHERE p.import_id IN (SELECT id FROM current_imports WHERE kind IN ('pfx2as', 'geolite2-asn')) "
    "  AND $1 = ANY (p.asns) ORDER BY p.prefix LIMIT $2";
// The latest scan's own attribution, for an ASN AS2Org does not know.
constexpr const char* kSeen =
    "SELECT coalesce(max(org_id), ''), coalesce(max(org_name), ''), coalesce(max(country), '') "
    "FROM scan_exposure WHERE asn = $1 HAVING count(*) > 0";
constexpr const char* kCounts =
    "SELECT name, vendor, category, sum(services)::bigint, sum(hosts)::bigint FROM scan_exposure "
    "WHERE scan_id = latest_scan_id() AND asn = $1 AND kind = $2 "
    "GROUP BY name, vendor, category ORDER BY 5 DESC, 1, 2, 3";
constexpr const char* kTrend =
    "SELECT s.id, epoch_us(s.started), coalesce(sum(e.services), 0)::bigint, coalesce(sum(e.hosts), 0)::bigint "
    "FROM (SELECT id, started FROM scans WHERE finalized IS NOT NULL ORDER BY started DESC, id DESC LIMIT $2) s "
    "LEFT JOIN scan_exposure e ON e.scan_id = s.id AND e.kind = 'service' AND e.asn = $1 "
    "GROUP BY s.id, s.started ORDER BY s.started, s.id";

void prepare_isp_summary(pqxx::connection_base& c) {
  c.prepare("fumidai_api_isp_org", kOrganization);
  c.prepare("fumidai_api_isp_prefixes", kPrefixes);
  c.prepare("fumidai_api_isp_seen", kSeen);
  c.prepare("fumidai_api_isp_counts", kCounts);
  c.prepare("fumidai_api_isp_trend", kTrend);
}

}  // namespace

Result<IspSummary> IspSummaryQuery::summary(std::int64_t asn) {
  return guarded("summarizing an ISP", [&]() -> Result<IspSummary> {
    prepare_isp_summary(session_.connection());
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(session_.connection());
    IspSummary out;
    out.asn = asn;
    auto org = tx.exec_prepared("fumidai_api_isp_org", asn);
    if (org.empty()) org = tx.exec_prepared("fumidai_api_isp_seen", asn);
    const auto prefixes = tx.exec_prepared("fumidai_api_isp_prefixes", asn, kMaxPrefixes + 1);
    if (org.empty() && prefixes.empty()) return out;
    out.known = true;
    if (!org.empty()) {
      out.org_id = org[0][0].as<std::string>();
      out.name = org[0][1].as<std::string>();
      out.country = org[0][2].as<std::string>();
    }
    for (const auto& r : prefixes) {
      if (static_cast<int>(out.prefixes.size()) == kMaxPrefixes) {
        out.prefixes_truncated = true;
        break;
      }
      out.prefixes.push_back(r[1].as<std::string>());
    }
    const auto latest = tx.exec("SELECT latest_scan_id()");
    out.scan_id = detail::optional_int(latest[0][0]);
    for (const auto& r : tx.exec_prepared("fumidai_api_isp_counts", asn, "category")) {
      out.categories.push_back(NamedCount{r[0].as<std::string>(), r[3].as<std::int64_t>(), r[4].as<std::int64_t>()});
    }
    for (const auto& r : tx.exec_prepared("fumidai_api_isp_counts", asn, "product")) {
      out.products.push_back(ProductStatsRow{r[1].as<std::string>(), r[0].as<std::string>(), r[2].as<std::string>(),
                                             r[3].as<std::int64_t>(), r[4].as<std::int64_t>()});
    }
    for (const auto& r : tx.exec_prepared("fumidai_api_isp_counts", asn, "label")) {
      if (static_cast<int>(out.top_labels.size()) == kTopLabels) break;
      out.top_labels.push_back(NamedCount{r[0].as<std::string>(), r[3].as<std::int64_t>(), r[4].as<std::int64_t>()});
    }
    for (const auto& r : tx.exec_prepared("fumidai_api_isp_trend", asn, kTrendScans)) {
      out.trend.push_back(TimelinePoint{r[0].as<std::int64_t>(), detail::from_micros(r[1].as<long long>()),
                                        r[2].as<std::int64_t>(), r[3].as<std::int64_t>()});
    }
    return out;
  });
}

}  // namespace fumidai::db
