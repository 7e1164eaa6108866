#include "DatabaseSink.h"

#include <boost/json/parse.hpp>

#include "fumidai/db/DatabaseLocation.h"
#include "fumidai/scanner/output/OutputModule.h"
#include "fumidai/scanner/target/Ipv4.h"

namespace fumidai::cli {

Result<std::unique_ptr<DatabaseSink>> DatabaseSink::open(const std::optional<std::string>& url,
                                                         db::ScanMetadata metadata, Clock& clock) {
  auto location = db::locate_database(url);
  if (!location) return location.error();
  auto ingest = db::ScanIngest::open(location->conninfo, std::move(metadata), db::IngestOptions{}, clock);
  if (!ingest) return ingest.error();
  if (auto named = (*ingest)->begin_source("scan"); !named) return named.error();
  return std::unique_ptr<DatabaseSink>(new DatabaseSink(std::move(*ingest)));
}

void DatabaseSink::take(const Result<>& added) {
  if (!added) error_ = added.error();
}

void DatabaseSink::write(std::string_view line) {
  if (error_) return;
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  take(ingest_->add_line(line, ++lines_));
}

void DatabaseSink::add(const scanner::ScanResult& result) {
  if (error_) return;
  take(ingest_->add_record(scan_record(result)));
}

Result<db::IngestReport> DatabaseSink::finish(const db::ScanMetadata& final_metadata) {
  if (error_) {
    ingest_->abandon();
    return *error_;
  }
  return ingest_->finish(&final_metadata);
}

boost::json::object scan_record(const scanner::ScanResult& r) {
  boost::json::object record{{"ip", scanner::format_ipv4(r.ip)},
                             {"port", r.port},
                             {"transport", scanner::transport_name(r.transport)},
                             {"status", scanner::ScanResult::status_name(r.status)},
                             {"ttl", r.ttl},
                             {"ts", scanner::format_timestamp(r.timestamp_ns)}};
  if (!r.protocol.empty()) record["protocol"] = r.protocol;
  if (!r.data.empty()) {
    boost::system::error_code ec;
    boost::json::value data = boost::json::parse(r.data, ec);
    if (!ec) record["data"] = std::move(data);
  }
  return record;
}

}  // namespace fumidai::cli
