#include "fumidai/api/handlers/ExportStream.h"

#include <boost/json.hpp>

#include "fumidai/api/handlers/ExposureRoutes.h"
#include "fumidai/api/handlers/JsonBody.h"
#include "fumidai/core/CsvWriter.h"
#include "fumidai/db/ShadowserverRow.h"

namespace fumidai::api {
namespace {

constexpr const char* kExposureColumns[] = {
    "ip",  "port",    "transport",  "protocol", "status",   "ptr",          "asn",        "org_id",
    "org", "country", "categories", "labels",   "severity", "fingerprints", "first_seen", "last_seen"};

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += ';';
    out += v;
  }
  return out;
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
      for (const char* c : db::kShadowserverColumns) csv.text(c);
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
    db::ShadowserverRow row = db::shadowserver_row(item);
    row.ip = ip;
    row.hostname = ptr;
    if (format_ == ExportFormat::csv) {
      CsvWriter csv(out);
      for (const auto& cell : row.cells()) csv.text(cell);
      csv.end_record();
    } else {
      out += boost::json::serialize(boost::json::object{{"timestamp", row.timestamp},
                                                        {"severity", row.severity},
                                                        {"ip", row.ip},
                                                        {"protocol", row.protocol},
                                                        {"port", row.port},
                                                        {"hostname", row.hostname},
                                                        {"tag", row.tag},
                                                        {"asn", JsonBody::optional_int(row.asn)},
                                                        {"geo", row.geo},
                                                        {"device_vendor", row.device_vendor},
                                                        {"device_type", row.device_type},
                                                        {"device_model", row.device_model},
                                                        {"device_version", row.device_version}});
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
