#include "fumidai/db/ExposureRows.h"

#include "fumidai/db/PreparedCall.h"

namespace fumidai::db::detail {

const std::string& exposure_select_sql() {
  static const std::string sql = [] {
    FilterColumns c;
    c.ip = "hs.ip";
    c.asn = "h.asn";
    c.org_id = "h.org_id";
    c.org_name = "h.org_name";
    c.country = "h.country";
    c.categories = "hs.categories";
    c.labels = "hs.labels";
    c.fingerprints = "hs.fingerprints";
    c.port = "hs.port";
    c.protocol = "hs.protocol";
    c.scan =
        "EXISTS (SELECT 1 FROM scans fs JOIN services fo ON fo.scan_started = fs.started AND fo.scan_id = fs.id"
        "        WHERE fs.id = $SCAN AND fo.ip = hs.ip AND fo.port = hs.port AND fo.transport = hs.transport"
        "          AND service_present(fo.status))";
    c.first_seen = "hs.first_seen";
    c.last_seen = "hs.last_seen";
    // Without a scan filter only what is there now (current); with one, what
    // that scan saw, current or not.
    return "SELECT host(hs.ip), hs.port, hs.transport, coalesce(hs.protocol, ''), hs.status, coalesce(h.ptr, ''), "
           "       h.asn, coalesce(h.org_id, ''), coalesce(h.org_name, ''), coalesce(h.country, ''), "
           "       hs.fingerprints::text, hs.categories, hs.labels, coalesce(o.severity, ''), "
           "       coalesce(h.router_vendor, ''), coalesce(h.router_product, ''), coalesce(h.router_version, ''), "
           "       hs.current, epoch_us(hs.first_seen), epoch_us(hs.last_seen), hs.last_scan_id "
           "FROM host_services hs "
           "JOIN hosts h ON h.ip = hs.ip "
           "LEFT JOIN scans ls ON ls.id = hs.last_scan_id "
           "LEFT JOIN services o ON o.scan_started = ls.started AND o.scan_id = ls.id AND o.ip = hs.ip "
           "                    AND o.port = hs.port AND o.transport = hs.transport "
           "WHERE (hs.current OR $11::bigint IS NOT NULL) AND " +
           FilterClause::sql(c, 1);
  }();
  return sql;
}

ExposureItem exposure_item(const pqxx::row& r) {
  ExposureItem item;
  item.ip = r[0].as<std::string>();
  item.port = r[1].as<int>();
  item.transport = r[2].as<std::string>();
  item.protocol = r[3].as<std::string>();
  item.status = r[4].as<std::string>();
  item.ptr = r[5].as<std::string>();
  item.asn = optional_int(r[6]);
  item.org_id = r[7].as<std::string>();
  item.org_name = r[8].as<std::string>();
  item.country = r[9].as<std::string>();
  item.fingerprints = r[10].as<std::string>();
  item.categories = text_array(r[11]);
  item.labels = text_array(r[12]);
  item.severity = r[13].as<std::string>();
  item.router_vendor = r[14].as<std::string>();
  item.router_product = r[15].as<std::string>();
  item.router_version = r[16].as<std::string>();
  item.current = r[17].as<bool>();
  item.first_seen = from_micros(r[18].as<long long>());
  item.last_seen = from_micros(r[19].as<long long>());
  item.last_scan_id = r[20].as<std::int64_t>();
  return item;
}

}  // namespace fumidai::db::detail
