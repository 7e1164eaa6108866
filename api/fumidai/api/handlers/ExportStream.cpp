#include "fumidai/api/handlers/ExportStream.h"

#include <boost/json.hpp>

#include "fumidai/api/handlers/ExposureRoutes.h"
#include "fumidai/api/handlers/JsonBody.h"
#include "fumidai/core/CsvWriter.h"

namespace fumidai::api {
namespace {

constexpr const char* kExposureColumns[] = {
    "ip",  "port",    "transport",  "protocol", "status",   "ptr",          "asn",        "org_id",
    "org", "country", "categories", "labels",   "severity", "fingerprints", "first_seen", "last_seen"};
constexpr const char* kShadowserverColumns[] = {
    "timestamp", "severity",      "ip",          "protocol",     "port",          "hostname", "tag", "asn",
    "geo",       "device_vendor", "device_type", "device_model", "device_version"};

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += ';';
    out += v;
  }
  return out;
}

// The device as Shadowserver reports it: the host's router when one was
// named, else the service's first fingerprint.
struct Device {
  std::string vendor, type, model, version;
};

Device device(const db::ExposureItem& item) {
  if (!item.router_vendor.empty()) return {item.router_vendor, "router", item.router_product, item.router_version};
  boost::system::error_code error;
  const auto fingerprints = boost::json::parse(item.fingerprints, error);
  if (error || !fingerprints.is_array() || fingerprints.as_array().empty() ||
      !fingerprints.as_array().front().is_object()) {
    return {};
  }
  const auto& f = fingerprints.as_array().front().as_object();
  auto field = [&](const char* name) -> std::string {
    const auto* v = f.if_contains(name);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  return {field("vendor"), field("category"), field("product"), field("version")};
}

}  // namespace

ExportStream::ExportStream(db::PooledSession session, std::unique_ptr<db::ExposureExport> rows,
                           db::Pseudonymizer pseudonymizer, ExportFormat format, ExportColumns columns)
    : session_(std::move(session)),
      export_(std::move(rows)),
      pseudonymizer_(std::move(pseudonymizer)),
      format_(format),
      columns_(columns) {}

Result<std::optional<std::string>> ExportStream::next_chunk() {
  std::string out;
  if (!header_written_ && format_ == ExportFormat::csv) {
    CsvWriter csv(out);
    if (columns_ == ExportColumns::shadowserver) {
      for (const char* c : kShadowserverColumns) csv.text(c);
    } else {
      for (const char* c : kExposureColumns) csv.text(c);
    }
    csv.end_record();
  }
  header_written_ = true;
  auto rows = export_->fetch();
  if (!rows) return rows.error();
  if (rows->empty()) {
    if (!out.empty()) return std::optional(std::move(out));
    return std::optional<std::string>{};
  }
  for (const auto& item : *rows) write(item, out);
  return std::optional(std::move(out));
}

void ExportStream::write(const db::ExposureItem& item, std::string& out) const {
  const bool pseudonymized = pseudonymizer_.mode() != db::Pseudonymization::none;
  const std::string ip = pseudonymizer_.address(item.ip);
  const std::string ptr = pseudonymized ? std::string() : item.ptr;
  if (columns_ == ExportColumns::shadowserver) {
    const Device d = device(item);
    const std::string protocol = item.protocol.empty() ? item.transport : item.protocol;
    if (format_ == ExportFormat::csv) {
      CsvWriter csv(out);
      csv.text(JsonBody::time(item.last_seen)).text(item.severity).text(ip).text(protocol).number(item.port);
      csv.text(ptr).text(joined(item.labels)).optional_number(item.asn).text(item.country).text(d.vendor);
      csv.text(d.type).text(d.model).text(d.version).end_record();
    } else {
      out += boost::json::serialize(boost::json::object{{"timestamp", JsonBody::time(item.last_seen)},
                                                        {"severity", item.severity},
                                                        {"ip", ip},
                                                        {"protocol", protocol},
                                                        {"port", item.port},
                                                        {"hostname", ptr},
                                                        {"tag", joined(item.labels)},
                                                        {"asn", JsonBody::optional_int(item.asn)},
                                                        {"geo", item.country},
                                                        {"device_vendor", d.vendor},
                                                        {"device_type", d.type},
                                                        {"device_model", d.model},
                                                        {"device_version", d.version}});
      out += '\n';
    }
    return;
  }
  if (format_ == ExportFormat::csv) {
    CsvWriter csv(out);
    csv.text(ip).number(item.port).text(item.transport).text(item.protocol).text(item.status).text(ptr);
    csv.optional_number(item.asn).text(item.org_id).text(item.org_name).text(item.country);
    csv.text(joined(item.categories)).text(joined(item.labels)).text(item.severity).text(item.fingerprints);
    csv.text(JsonBody::time(item.first_seen)).text(JsonBody::time(item.last_seen)).end_record();
  } else {
    auto object = exposure_json(item);
    object["ip"] = ip;
    object["ptr"] = JsonBody::text_or_null(ptr);
    out += boost::json::serialize(object);
    out += '\n';
  }
}

}  // namespace fumidai::api
