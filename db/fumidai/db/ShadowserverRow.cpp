#include "fumidai/db/ShadowserverRow.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <boost/json.hpp>

#include "fumidai/db/UtcTime.h"

namespace fumidai::db {
namespace {

void set_device(const ExposureItem& item, ShadowserverRow& row) {
  if (!item.router_vendor.empty()) {
    row.device_vendor = item.router_vendor;
    row.device_type = "router";
    row.device_model = item.router_product;
    row.device_version = item.router_version;
    return;
  }
  boost::system::error_code error;
  const auto fingerprints = boost::json::parse(item.fingerprints, error);
  if (error || !fingerprints.is_array() || fingerprints.as_array().empty() ||
      !fingerprints.as_array().front().is_object()) {
    return;
  }
  const auto& f = fingerprints.as_array().front().as_object();
  auto field = [&](const char* name) -> std::string {
    const auto* v = f.if_contains(name);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  row.device_vendor = field("vendor");
  row.device_type = field("category");
  row.device_model = field("product");
  row.device_version = field("version");
}

}  // namespace

ShadowserverRow shadowserver_row(const ExposureItem& item) {
  ShadowserverRow row;
  row.timestamp = format_utc_seconds(item.last_seen);
  row.severity = item.severity;
  row.ip = item.ip;
  row.protocol = item.protocol.empty() ? item.transport : item.protocol;
  row.port = item.port;
  row.hostname = item.ptr;
  row.tag = fmt::format("{}", fmt::join(item.labels, ";"));
  row.asn = item.asn;
  row.geo = item.country;
  set_device(item, row);
  return row;
}

std::array<std::string, kShadowserverColumns.size()> ShadowserverRow::cells() const {
  return {timestamp,
          severity,
          ip,
          protocol,
          std::to_string(port),
          hostname,
          tag,
          asn ? std::to_string(*asn) : std::string(),
          geo,
          device_vendor,
          device_type,
          device_model,
          device_version};
}

}  // namespace fumidai::db
