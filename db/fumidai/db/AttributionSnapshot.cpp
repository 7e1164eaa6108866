#include "fumidai/db/AttributionSnapshot.h"

#include <fmt/format.h>

#include <boost/unordered/unordered_flat_map.hpp>
#include <pqxx/pqxx>
#include <string_view>

#include "fumidai/db/PrefixTable.h"

namespace fumidai::db {

struct AttributionSnapshot::Tables {
  struct Organization {
    std::string id;
    std::string name;
    std::string country;
  };
  PrefixTable<std::int64_t> origins;           // pfx2as
  PrefixTable<std::int64_t> fallback_origins;  // GeoLite2-ASN
  PrefixTable<std::string> countries;          // RIR delegated
  // AS names by ASN: pfx2as carries none, GeoLite2 one per network (the same
  // for every network of an AS), so they are kept once per AS.
  boost::unordered_flat_map<std::int64_t, std::string> origin_names;
  boost::unordered_flat_map<std::int64_t, std::string> fallback_names;
  boost::unordered_flat_map<std::int64_t, Organization> organizations;  // AS2Org, by ASN
  boost::json::object imports;
};

AttributionSnapshot::AttributionSnapshot() : tables_(std::make_unique<Tables>()) {}
AttributionSnapshot::~AttributionSnapshot() = default;
AttributionSnapshot::AttributionSnapshot(AttributionSnapshot&&) noexcept = default;
AttributionSnapshot& AttributionSnapshot::operator=(AttributionSnapshot&&) noexcept = default;

const boost::json::object& AttributionSnapshot::imports() const { return tables_->imports; }

void AttributionSnapshot::add_origin(const IpPrefix& prefix, std::int64_t asn, std::string as_name) {
  tables_->origins.insert(prefix.network, prefix.length, asn);
  if (!as_name.empty()) tables_->origin_names.insert_or_assign(asn, std::move(as_name));
}

void AttributionSnapshot::add_fallback_origin(const IpPrefix& prefix, std::int64_t asn, std::string as_name) {
  tables_->fallback_origins.insert(prefix.network, prefix.length, asn);
  if (!as_name.empty()) tables_->fallback_names.insert_or_assign(asn, std::move(as_name));
}

void AttributionSnapshot::add_country(const IpPrefix& prefix, std::string country) {
  tables_->countries.insert(prefix.network, prefix.length, std::move(country));
}

void AttributionSnapshot::add_as_org(std::int64_t asn, std::string org_id, std::string org_name,
                                     std::string org_country) {
  tables_->organizations.insert_or_assign(
      asn, Tables::Organization{std::move(org_id), std::move(org_name), std::move(org_country)});
}

Attribution AttributionSnapshot::lookup(const boost::asio::ip::address& ip) const {
  Attribution out;
  if (const auto* asn = tables_->origins.find(ip)) {
    out.asn = *asn;
  } else if (const auto* fallback = tables_->fallback_origins.find(ip)) {
    out.asn = *fallback;
  }
  if (out.asn) {
    if (const auto org = tables_->organizations.find(*out.asn); org != tables_->organizations.end()) {
      out.org_id = org->second.id;
      out.org_name = org->second.name;
      out.country = org->second.country;
    } else {
      const auto named = tables_->origin_names.find(*out.asn);
      const auto fallback_named = tables_->fallback_names.find(*out.asn);
      if (named != tables_->origin_names.end()) {
        out.org_name = named->second;
      } else if (fallback_named != tables_->fallback_names.end()) {
        out.org_name = fallback_named->second;
      }
      if (!out.org_name.empty()) out.org_id = fmt::format("AS{}", *out.asn);
    }
  }
  if (const auto* country = tables_->countries.find(ip)) out.country = *country;
  return out;
}

namespace {

// Rows per FETCH: bounds the memory a load holds beyond the tables.
constexpr int fetch_rows = 20000;

// Runs `query` (with the import id as $1) through a cursor, `row` per row.
template <class Row>
void for_each_row(pqxx::transaction_base& tx, const char* query, std::int64_t import_id, Row&& row) {
  tx.exec_params(fmt::format("DECLARE fumidai_attribution NO SCROLL CURSOR FOR {}", query), import_id);
  const std::string fetch = fmt::format("FETCH FORWARD {} FROM fumidai_attribution", fetch_rows);
  for (;;) {
    const pqxx::result rows = tx.exec(fetch);
    for (const auto& r : rows) row(r);
    if (rows.size() < static_cast<std::size_t>(fetch_rows)) break;
  }
  tx.exec("CLOSE fumidai_attribution");
}

// A prefix stored by an import; PostgreSQL's cidr text is always canonical,
// so a failure here means the table was written by something else.
IpPrefix stored_prefix(const pqxx::field& field) {
  auto prefix = parse_prefix(std::string_view(field.c_str(), field.size()));
  if (!prefix) throw std::runtime_error(fmt::format("stored prefix: {}", prefix.error().message));
  return *prefix;
}

}  // namespace

Result<AttributionSnapshot> AttributionSnapshot::load(Session& session, std::chrono::system_clock::time_point at) {
  return guarded("loading the attribution data", [&]() -> Result<AttributionSnapshot> {
    AttributionSnapshot snapshot;
    Tables& tables = *snapshot.tables_;
    // One snapshot of the data, even while an import commits alongside.
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(
        session.connection(), "attribution snapshot");
    const double seconds = std::chrono::duration<double>(at.time_since_epoch()).count();
    const auto import_of = [&](const char* kind) -> std::optional<std::int64_t> {
      const auto row = tx.exec_params1("SELECT import_as_of($1, to_timestamp($2::double precision))", kind, seconds);
      if (row[0].is_null()) return std::nullopt;
      const auto id = row[0].as<std::int64_t>();
      tables.imports[kind] = id;
      return id;
    };

    if (const auto id = import_of("pfx2as")) {
      for_each_row(tx, "SELECT prefix::text, asn, as_name FROM prefix_origins WHERE import_id = $1", *id,
                   [&](const pqxx::row& r) {
                     snapshot.add_origin(stored_prefix(r[0]), r[1].as<std::int64_t>(),
                                         r[2].is_null() ? std::string() : r[2].as<std::string>());
                   });
    }
    if (const auto id = import_of("geolite2-asn")) {
      for_each_row(tx, "SELECT prefix::text, asn, as_name FROM prefix_origins WHERE import_id = $1", *id,
                   [&](const pqxx::row& r) {
                     snapshot.add_fallback_origin(stored_prefix(r[0]), r[1].as<std::int64_t>(),
                                                  r[2].is_null() ? std::string() : r[2].as<std::string>());
                   });
    }
    if (const auto id = import_of("as2org")) {
      // An AS whose organisation the file lacks keeps its own name.
      for_each_row(tx,
                   "SELECT a.asn, a.org_id, coalesce(o.name, a.as_name, ''), coalesce(o.country, '') "
                   "FROM as_orgs a LEFT JOIN organizations o ON o.import_id = a.import_id AND o.org_id = a.org_id "
                   "WHERE a.import_id = $1",
                   *id, [&](const pqxx::row& r) {
                     snapshot.add_as_org(r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(),
                                         r[3].as<std::string>());
                   });
    }
    if (const auto id = import_of("delegated")) {
      for_each_row(tx, "SELECT prefix::text, country FROM prefix_countries WHERE import_id = $1", *id,
                   [&](const pqxx::row& r) { snapshot.add_country(stored_prefix(r[0]), r[1].as<std::string>()); });
    }
    tx.commit();
    return snapshot;
  });
}

}  // namespace fumidai::db
