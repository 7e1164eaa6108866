#pragma once
// The COPY text (CopyText.h) of the three observation tables for some
// records, in the column order of kServicesColumns and its siblings, which
// the COPY statements name.
#include <cstddef>
#include <string>

namespace fumidai::db {

inline constexpr const char* kServicesColumns =
    "scan_id, scan_started, ip, port, transport, protocol, status, seen_at, ttl, data, error, ptr, fingerprints, "
    "categories, labels, severity, asn, org_id, org_name, country";
inline constexpr const char* kFingerprintMatchesColumns =
    "scan_id, scan_started, ip, port, transport, category, rule_id, source, vendor, product, version, device, cpe, "
    "confidence";
inline constexpr const char* kServiceLabelsColumns = "scan_id, scan_started, ip, port, transport, label, severity";

struct CopyRows {
  std::string services;
  std::string fingerprint_matches;
  std::string service_labels;
  std::size_t service_rows = 0;
  std::size_t fingerprint_rows = 0;
  std::size_t label_rows = 0;

  std::size_t bytes() const { return services.size() + fingerprint_matches.size() + service_labels.size(); }

  // Where the rows end now, to take back a record that turned out bad.
  struct Mark {
    std::size_t services, fingerprint_matches, service_labels, service_rows, fingerprint_rows, label_rows;
  };
  Mark mark() const {
    return {services.size(), fingerprint_matches.size(), service_labels.size(),
            service_rows,    fingerprint_rows,           label_rows};
  }
  void rollback(const Mark& m) {
    services.resize(m.services);
    fingerprint_matches.resize(m.fingerprint_matches);
    service_labels.resize(m.service_labels);
    service_rows = m.service_rows;
    fingerprint_rows = m.fingerprint_rows;
    label_rows = m.label_rows;
  }
};

}  // namespace fumidai::db
