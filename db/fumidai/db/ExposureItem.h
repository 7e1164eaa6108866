#pragma once
// One exposed service as the API lists and exports it: the latest state of
// (ip, port, transport) with its host's attribution.
// Contract: a plain value.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fumidai::db {

struct ExposureItem {
  std::string ip;
  int port = 0;
  std::string transport;
  std::string protocol;  // empty: stage 1 only
  std::string status;
  std::string ptr;
  std::optional<std::int64_t> asn;
  std::string org_id;
  std::string org_name;
  std::string country;
  std::string fingerprints;  // the stored jsonb array, as JSON text
  std::vector<std::string> categories;
  std::vector<std::string> labels;
  std::string severity;  // of its latest sighting's labels; empty: none
  std::string router_vendor;
  std::string router_product;
  std::string router_version;
  bool current = true;
  std::chrono::system_clock::time_point first_seen;
  std::chrono::system_clock::time_point last_seen;
  std::int64_t last_scan_id = 0;
};

}  // namespace fumidai::db
