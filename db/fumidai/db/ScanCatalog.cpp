#include "fumidai/db/ScanCatalog.h"

#include <fmt/format.h>

#include <boost/json/serialize.hpp>
#include <pqxx/pqxx>

#include "fumidai/db/SqlArray.h"

namespace fumidai::db {
namespace {

std::optional<std::string> text_or_null(const auto& value) {
  if (!value) return std::nullopt;
  return fmt::format("{}", *value);
}

constexpr const char* kSelectScan =
    "SELECT id, (extract(epoch FROM started) * 1000000)::bigint, finished IS NOT NULL FROM scans WHERE uid = $1";

StoredScan stored(const pqxx::row& row) {
  return StoredScan{row[0].as<std::int64_t>(), UtcMicros{std::chrono::microseconds{row[1].as<std::int64_t>()}},
                    row[2].as<bool>()};
}

}  // namespace

Result<std::optional<StoredScan>> find_scan(Session& session, const std::string& uid) {
  return guarded("finding the scan", [&]() -> std::optional<StoredScan> {
    pqxx::read_transaction tx(session.connection());
    const pqxx::result r = tx.exec_params(kSelectScan, uid);
    if (r.empty()) return std::nullopt;
    return stored(r[0]);
  });
}

Result<StoredScan> create_scan(Session& session, const ScanMetadata& m, const boost::json::object& attribution) {
  return guarded("creating the scan", [&]() -> StoredScan {
    pqxx::work tx(session.connection());
    const std::string started = format_utc_time(m.started);
    // Partitions first: the default partition must never hold this month's rows.
    tx.exec_params("SELECT ensure_scan_partitions($1::timestamptz)", started);
    tx.exec_params(
        "INSERT INTO scans (uid, name, started, ports, udp_ports, rate, seed, shard, shards, targets, target_summary,"
        " tool_version, summary, attribution)"
        " VALUES ($1, $2, $3::timestamptz, $4::integer[], $5::integer[], $6::bigint, $7::numeric, $8::integer,"
        " $9::integer, $10::cidr[], $11, $12, $13::jsonb, $14::jsonb)"
        " ON CONFLICT (uid) DO NOTHING",
        m.uid, m.name, started, sql_array(m.ports), sql_array(m.udp_ports), text_or_null(m.rate), text_or_null(m.seed),
        text_or_null(m.shard), text_or_null(m.shards), sql_array(m.targets), m.target_summary, m.tool_version,
        boost::json::serialize(m.summary), boost::json::serialize(attribution));
    const StoredScan scan = stored(tx.exec_params1(kSelectScan, m.uid));
    tx.commit();
    return scan;
  });
}

Result<> finish_scan(Session& session, std::int64_t scan_id, const ScanMetadata& m) {
  return guarded("finishing the scan", [&] {
    pqxx::work tx(session.connection());
    const char* merge_ports =
        m.ports_from_records
            ? "ports = ARRAY(SELECT DISTINCT p FROM unnest(ports || $3::integer[]) p ORDER BY p),"
              " udp_ports = ARRAY(SELECT DISTINCT p FROM unnest(udp_ports || $4::integer[]) p ORDER BY p),"
            : "ports = $3::integer[], udp_ports = $4::integer[],";
    tx.exec_params(fmt::format("UPDATE scans SET finished = $2::timestamptz, {}"
                               " rate = $5::bigint, seed = $6::numeric, shard = $7::integer, shards = $8::integer,"
                               " targets = CASE WHEN cardinality($9::cidr[]) > 0 THEN $9::cidr[] ELSE targets END,"
                               " target_summary = CASE WHEN $10 <> '' THEN $10 ELSE target_summary END,"
                               " summary = $11::jsonb,"
                               " rows_ingested = (SELECT coalesce(sum(rows), 0) FROM ingest_batches WHERE scan_id = $1)"
                               " WHERE id = $1",
                               merge_ports),
                   scan_id, format_utc_time(m.finished.value_or(m.started)), sql_array(m.ports), sql_array(m.udp_ports),
                   text_or_null(m.rate), text_or_null(m.seed), text_or_null(m.shard), text_or_null(m.shards),
                   sql_array(m.targets), m.target_summary, boost::json::serialize(m.summary));
    tx.exec_params("SELECT finalize_scan($1)", scan_id);
    tx.commit();
  });
}

}  // namespace fumidai::db
