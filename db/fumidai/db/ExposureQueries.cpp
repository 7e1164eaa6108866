#include "fumidai/db/ExposureQueries.h"

#include <fmt/format.h>

#include <boost/asio/ip/address.hpp>
#include <pqxx/pqxx>
#include <tuple>
#include <utility>

#include "fumidai/db/FilterClause.h"
#include "fumidai/db/PreparedCall.h"

namespace fumidai::db {
namespace {

// Repeatable read: a host's three statements see one state even while a
// scan is being folded in.
using ReadSnapshot = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;

// Times cross as microseconds since the epoch (epoch_us() in 0002_history.sql).
constexpr const char* kScan =
    "SELECT id, epoch_us(started) FROM scans "
    "WHERE finalized IS NOT NULL AND id = coalesce($1::bigint, latest_scan_id())";

// scan_exposure holds one row per (kind, name, asn, org, country); hosts add
// up across asn and country (an address has one attribution per scan).
constexpr const char* kCountsByOrganization =
    "SELECT NULL::bigint, coalesce(org_id, ''), coalesce(max(org_name), ''), name, sum(services)::bigint, "
    "       sum(hosts)::bigint "
    "FROM scan_exposure WHERE scan_id = $1 AND kind = $2 "
    "GROUP BY org_id, name ORDER BY org_id NULLS LAST, name";
constexpr const char* kCountsByAsn =
    "SELECT asn, coalesce(org_id, ''), coalesce(max(org_name), ''), name, sum(services)::bigint, sum(hosts)::bigint "
    "FROM scan_exposure WHERE scan_id = $1 AND kind = $2 "
    "GROUP BY org_id, asn, name ORDER BY org_id NULLS LAST, asn NULLS LAST, name";

// The WHERE repeats the partial indexes' predicate (hosts_org_routers,
// hosts_asn_routers) so the planner can use them; the cursor is the last
// address of the previous page ('0.0.0.0/0' sorts before every address).
const std::string kRouterColumns =
    "SELECT host(ip), asn, coalesce(org_id, ''), coalesce(org_name, ''), coalesce(country, ''), router_vendor, "
    "       coalesce(router_product, ''), coalesce(router_version, ''), categories, labels, services, "
    "       epoch_us(first_seen), epoch_us(last_seen), last_scan_id "
    "FROM hosts ";
const std::string kRoutersByOrganization =
    kRouterColumns +
    "WHERE org_id = $1 AND router_vendor IS NOT NULL AND services > 0 AND ip > $2::inet ORDER BY ip LIMIT $3";
const std::string kRoutersByAsn =
    kRouterColumns +
    "WHERE asn = $1 AND router_vendor IS NOT NULL AND services > 0 AND ip > $2::inet ORDER BY ip LIMIT $3";
constexpr const char* kFirstCursor = "0.0.0.0/0";

constexpr const char* kHost =
    "SELECT host(ip), asn, coalesce(org_id, ''), coalesce(org_name, ''), coalesce(country, ''), coalesce(ptr, ''), "
    "       coalesce(router_vendor, ''), coalesce(router_product, ''), coalesce(router_version, ''), categories, "
    "       labels, epoch_us(first_seen), epoch_us(last_seen) "
    "FROM hosts WHERE ip = $1::inet";
constexpr const char* kHostServices =
    "SELECT port, transport, coalesce(protocol, ''), status, current, epoch_us(first_seen), epoch_us(last_seen), "
    "       first_scan_id, last_scan_id, epoch_us(gone_since), gone_scan_id, fingerprint_rule_ids(fingerprints), "
    "       categories, labels "
    "FROM host_services WHERE ip = $1::inet ORDER BY current DESC, port, transport";
constexpr const char* kHostHistory =
    "SELECT * FROM ("
    "  SELECT scan_id, epoch_us(scan_started) AS started, port, transport, change, coalesce(protocol, ''), "
    "         coalesce(status, ''), rule_ids, categories, labels "
    "  FROM host_history($1::inet) ORDER BY scan_started DESC, scan_id DESC, port DESC, transport DESC LIMIT $2"
    ") latest ORDER BY started, scan_id, port, transport";

using detail::from_micros;
using detail::optional_int;
using detail::text_array;

bool is_address(const std::string& text) {
  boost::system::error_code error;
  boost::asio::ip::make_address(text, error);
  return !error;
}

// libpqxx 6 allows defining a statement again with the same text, so every
// ExposureQueries on a connection can prepare its own.
void prepare_statements(pqxx::connection_base& connection) {
  connection.prepare("fumidai_exposure_scan", kScan);
  connection.prepare("fumidai_exposure_counts_org", kCountsByOrganization);
  connection.prepare("fumidai_exposure_counts_asn", kCountsByAsn);
  connection.prepare("fumidai_exposure_routers_org", kRoutersByOrganization);
  connection.prepare("fumidai_exposure_routers_asn", kRoutersByAsn);
  connection.prepare("fumidai_exposure_host", kHost);
  connection.prepare("fumidai_exposure_host_services", kHostServices);
  connection.prepare("fumidai_exposure_host_history", kHostHistory);
}

}  // namespace

ExposureQueries::ExposureQueries(Session& session) : session_(session) {}

Result<ExposureCounts> ExposureQueries::counts_by_isp(const ExposureCountsRequest& request) {
  return guarded("counting exposures by ISP", [&]() -> Result<ExposureCounts> {
    prepare_statements(session_.connection());
    ReadSnapshot tx(session_.connection());
    const pqxx::result scan = request.scan_id ? tx.exec_prepared("fumidai_exposure_scan", *request.scan_id)
                                              : tx.exec_prepared("fumidai_exposure_scan", nullptr);
    if (scan.empty()) {
      if (request.scan_id) return make_input_error(fmt::format("scan {} is not a finalized scan", *request.scan_id));
      return make_input_error("there is no finalized scan yet");
    }
    ExposureCounts counts;
    counts.scan_id = scan[0][0].as<std::int64_t>();
    counts.scan_started = from_micros(scan[0][1].as<long long>());
    const char* kind = request.by == CountBy::category ? "category" : "label";
    const char* statement =
        request.isp == IspGrouping::organization ? "fumidai_exposure_counts_org" : "fumidai_exposure_counts_asn";
    for (const auto& row : tx.exec_prepared(statement, counts.scan_id, kind)) {
      counts.rows.push_back(ExposureCount{optional_int(row[0]), row[1].as<std::string>(), row[2].as<std::string>(),
                                          row[3].as<std::string>(), row[4].as<std::int64_t>(),
                                          row[5].as<std::int64_t>()});
    }
    return counts;
  });
}

Result<ExposedRoutersPage> ExposureQueries::exposed_routers(const ExposedRoutersRequest& request) {
  if (request.isp.asn.has_value() == !request.isp.org_id.empty()) {
    return make_input_error("name one ISP: an ASN or an organisation id, not both or neither");
  }
  if (request.limit < 1 || request.limit > kMaxPageSize) {
    return make_input_error(fmt::format("page size {} is outside 1..{}", request.limit, kMaxPageSize));
  }
  if (!request.cursor.empty() && !is_address(request.cursor)) {
    return make_input_error(fmt::format("bad cursor {:?}: not a page's next_cursor", request.cursor));
  }
  return guarded("listing exposed routers", [&]() -> Result<ExposedRoutersPage> {
    prepare_statements(session_.connection());
    pqxx::read_transaction tx(session_.connection());
    const std::string cursor = request.cursor.empty() ? kFirstCursor : request.cursor;
    // One row more than the page says whether there is a next page.
    const int fetch = request.limit + 1;
    const pqxx::result rows = request.isp.asn
                                  ? tx.exec_prepared("fumidai_exposure_routers_asn", *request.isp.asn, cursor, fetch)
                                  : tx.exec_prepared("fumidai_exposure_routers_org", request.isp.org_id, cursor, fetch);
    ExposedRoutersPage page;
    for (const auto& row : rows) {
      if (static_cast<int>(page.routers.size()) == request.limit) {
        page.next_cursor = page.routers.back().ip;
        break;
      }
      page.routers.push_back(ExposedRouter{row[0].as<std::string>(), optional_int(row[1]), row[2].as<std::string>(),
                                           row[3].as<std::string>(), row[4].as<std::string>(), row[5].as<std::string>(),
                                           row[6].as<std::string>(), row[7].as<std::string>(), text_array(row[8]),
                                           text_array(row[9]), row[10].as<int>(), from_micros(row[11].as<long long>()),
                                           from_micros(row[12].as<long long>()), row[13].as<std::int64_t>()});
    }
    return page;
  });
}

Result<HostView> ExposureQueries::host(const std::string& ip, int history_limit) {
  if (!is_address(ip)) return make_input_error(fmt::format("{:?} is not an IPv4 or IPv6 address", ip));
  if (history_limit < 1 || history_limit > kMaxHistory) {
    return make_input_error(fmt::format("history limit {} is outside 1..{}", history_limit, kMaxHistory));
  }
  return guarded("reading a host's history", [&]() -> Result<HostView> {
    prepare_statements(session_.connection());
    ReadSnapshot tx(session_.connection());
    HostView view;
    const pqxx::result host = tx.exec_prepared("fumidai_exposure_host", ip);
    if (host.empty()) {
      view.ip = ip;
      return view;
    }
    const auto& h = host[0];
    view.known = true;
    view.ip = h[0].as<std::string>();
    view.asn = optional_int(h[1]);
    view.org_id = h[2].as<std::string>();
    view.org_name = h[3].as<std::string>();
    view.country = h[4].as<std::string>();
    view.ptr = h[5].as<std::string>();
    view.router_vendor = h[6].as<std::string>();
    view.router_product = h[7].as<std::string>();
    view.router_version = h[8].as<std::string>();
    view.categories = text_array(h[9]);
    view.labels = text_array(h[10]);
    view.first_seen = from_micros(h[11].as<long long>());
    view.last_seen = from_micros(h[12].as<long long>());
    for (const auto& row : tx.exec_prepared("fumidai_exposure_host_services", ip)) {
      HostService service;
      service.port = row[0].as<int>();
      service.transport = row[1].as<std::string>();
      service.protocol = row[2].as<std::string>();
      service.status = row[3].as<std::string>();
      service.current = row[4].as<bool>();
      service.first_seen = from_micros(row[5].as<long long>());
      service.last_seen = from_micros(row[6].as<long long>());
      service.first_scan_id = row[7].as<std::int64_t>();
      service.last_scan_id = row[8].as<std::int64_t>();
      if (!row[9].is_null()) service.gone_since = from_micros(row[9].as<long long>());
      service.gone_scan_id = optional_int(row[10]);
      service.rule_ids = text_array(row[11]);
      service.categories = text_array(row[12]);
      service.labels = text_array(row[13]);
      view.services.push_back(std::move(service));
    }
    for (const auto& row : tx.exec_prepared("fumidai_exposure_host_history", ip, history_limit)) {
      view.history.push_back(HostEvent{row[0].as<std::int64_t>(), from_micros(row[1].as<long long>()), row[2].as<int>(),
                                       row[3].as<std::string>(), row[4].as<std::string>(), row[5].as<std::string>(),
                                       row[6].as<std::string>(), text_array(row[7]), text_array(row[8]),
                                       text_array(row[9])});
    }
    return view;
  });
}

Result<bool> ExposureQueries::host_in_scope(const std::string& ip, const Scope& scope) {
  if (!is_address(ip)) return make_input_error(fmt::format("{:?} is not an IPv4 or IPv6 address", ip));
  auto parameters = FilterClause::parameters(ExposureFilter{}, scope);
  if (!parameters) return parameters.error();
  parameters->push_back(ip);
  static const std::string sql = [] {
    FilterColumns c;
    c.ip = "h.ip";
    c.asn = "h.asn";
    c.org_id = "h.org_id";
    c.org_name = "h.org_name";
    c.country = "h.country";
    return "SELECT EXISTS (SELECT 1 FROM hosts h WHERE h.ip = $18::inet AND " + FilterClause::sql(c) + ")";
  }();
  return guarded("checking a host's scope", [&]() -> Result<bool> {
    session_.connection().prepare("fumidai_exposure_host_in_scope", sql);
    pqxx::read_transaction tx(session_.connection());
    return detail::exec_prepared(tx, "fumidai_exposure_host_in_scope", *parameters)[0][0].as<bool>();
  });
}

}  // namespace fumidai::db
