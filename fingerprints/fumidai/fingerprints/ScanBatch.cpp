#include "fumidai/fingerprints/ScanBatch.h"

#include <cassert>

#include "fumidai/fingerprints/RecordFields.h"

namespace fumidai::fingerprints {
namespace {

std::string ip_of(const boost::json::object& record) {
  const boost::json::value* ip = record.if_contains("ip");
  return ip != nullptr && ip->is_string() ? std::string(ip->get_string()) : std::string();
}

}  // namespace

void ScanBatch::add(const boost::json::object& record, MatchScratch& scratch) {
  const std::size_t number = added_++;
  std::vector<Fingerprint> found = engine_.fingerprint(record_fields(record), scratch);
  if (found.empty()) return;
  add_fingerprint_fields(hosts_[ip_of(record)], "host.fp.", found);
  fingerprints_.emplace(number, std::move(found));
}

void ScanBatch::annotate(boost::json::object& record, MatchScratch& scratch) {
  assert(annotated_ < added_ && "annotate() gets the records add() saw");
  const std::size_t number = annotated_++;
  static const std::vector<Fingerprint> kNone;
  static const FieldSet kNoHost;
  const auto own = fingerprints_.find(number);
  const std::vector<Fingerprint>& found = own != fingerprints_.end() ? own->second : kNone;
  const auto host = hosts_.find(ip_of(record));
  FieldSet fields = record_fields(record);
  record["labels"] = engine_.label(fields, found, host != hosts_.end() ? host->second : kNoHost, scratch);
  record["fingerprints"] = fingerprints_json(found);
  // Each record is annotated once: its fingerprints are not needed again.
  if (own != fingerprints_.end()) fingerprints_.erase(own);
}

}  // namespace fumidai::fingerprints
