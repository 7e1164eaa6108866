#pragma once
// One exposure in the columns of Shadowserver's reports, which CERTs and
// network owners already parse: the API's `columns=shadowserver` exports and
// the CSV attached to campaign letters are both written from this.
// Contract: plain values and pure functions.
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "fumidai/db/ExposureItem.h"

namespace fumidai::db {

inline constexpr std::array<const char*, 13> kShadowserverColumns = {
    "timestamp", "severity",      "ip",          "protocol",     "port",          "hostname", "tag", "asn",
    "geo",       "device_vendor", "device_type", "device_model", "device_version"};

struct ShadowserverRow {
  std::string timestamp;  // last seen, RFC 3339 UTC
  std::string severity;
  std::string ip;
  std::string protocol;  // the stage-2 protocol, else the transport
  int port = 0;
  std::string hostname;  // the PTR name
  std::string tag;       // the labels, ';'-separated
  std::optional<std::int64_t> asn;
  std::string geo;  // country
  // The host's router when one was named, else the service's first fingerprint.
  std::string device_vendor, device_type, device_model, device_version;

  // The cells in kShadowserverColumns order (an unknown ASN is empty).
  std::array<std::string, kShadowserverColumns.size()> cells() const;
};

ShadowserverRow shadowserver_row(const ExposureItem& item);

}  // namespace fumidai::db
