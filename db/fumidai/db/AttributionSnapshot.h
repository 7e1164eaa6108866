#pragma once
// ISP attribution at ingest: the attribution imports in force on a scan's day
// (import_as_of() for each kind; db/migrations/0001_schema.sql) held in
// memory, so each observation is attributed as it is written rather than by
// a query per row. The most specific prefix wins.
//  - ASN: pfx2as, else GeoLite2-ASN.
//  - Organisation: AS2Org's organisation for that ASN (id, name, country;
//    the AS's own name when the file lacks its organisation), else the AS
//    name the origin carried, else GeoLite2's, under the id "AS<asn>".
//  - Country: the most specific RIR delegated block, else the organisation's.
// Contract: immutable once built; lookup() is thread-safe; IPv4 and IPv6.
#include <boost/asio/ip/address.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "fumidai/core/Error.h"
#include "fumidai/db/IpPrefix.h"
#include "fumidai/db/Session.h"

namespace fumidai::db {

struct Attribution {
  std::optional<std::int64_t> asn;
  std::string org_id;    // empty when unknown
  std::string org_name;  // empty when unknown
  std::string country;   // ISO 3166-1 alpha-2, empty when unknown
};

class AttributionSnapshot {
 public:
  // Attributes nothing: every lookup is empty.
  AttributionSnapshot();
  ~AttributionSnapshot();
  AttributionSnapshot(AttributionSnapshot&&) noexcept;
  AttributionSnapshot& operator=(AttributionSnapshot&&) noexcept;

  // Loads the imports in force at `at` (a scan's start).
  static Result<AttributionSnapshot> load(Session& session, std::chrono::system_clock::time_point at);

  Attribution lookup(const boost::asio::ip::address& ip) const;

  // The import ids it was built from, {"pfx2as": 3, "as2org": 4, ...}, as
  // recorded in scans.attribution.
  const boost::json::object& imports() const;

  // Building by hand (load() uses these too). Later entries for the same
  // prefix or ASN replace earlier ones.
  void add_origin(const IpPrefix& prefix, std::int64_t asn, std::string as_name);
  void add_fallback_origin(const IpPrefix& prefix, std::int64_t asn, std::string as_name);  // GeoLite2-ASN
  void add_country(const IpPrefix& prefix, std::string country);
  void add_as_org(std::int64_t asn, std::string org_id, std::string org_name, std::string org_country);

 private:
  struct Tables;
  std::unique_ptr<Tables> tables_;
};

}  // namespace fumidai::db
