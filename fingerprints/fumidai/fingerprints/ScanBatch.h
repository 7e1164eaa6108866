#pragma once
// The batch form of FingerprintEngine for a whole scan (`fumidai fingerprint`
// over stored JSONL): each record's host.fp.* is the union of fp.* over every
// record of its address, so labels such as vpn-on-consumer-router see the
// router that another port of the same address showed.
//
// Two passes over the same records in the same order, so a scan need not fit
// in memory: add() fingerprints each record and remembers its address's
// fp.*; annotate() then fills each record's "fingerprints" and "labels".
// Memory: the fingerprints of records that have any, and the fp.* fields of
// addresses that have any.
//
// Contract: single-threaded; the engine must outlive the batch. Records are
// read by their "ip" key (see read_record_head).
#include <boost/json/object.hpp>
#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "fumidai/fingerprints/FieldSet.h"
#include "fumidai/fingerprints/FingerprintEngine.h"

namespace fumidai::fingerprints {

class ScanBatch {
 public:
  explicit ScanBatch(const FingerprintEngine& engine) : engine_(engine) {}

  // Pass 1, every record.
  void add(const boost::json::object& record, MatchScratch& scratch);
  // Pass 2, the records add() saw, in the same order.
  void annotate(boost::json::object& record, MatchScratch& scratch);

  std::size_t records() const { return added_; }

 private:
  const FingerprintEngine& engine_;
  std::size_t added_ = 0;
  std::size_t annotated_ = 0;
  std::unordered_map<std::size_t, std::vector<Fingerprint>> fingerprints_;  // by record number, when any
  std::unordered_map<std::string, FieldSet> hosts_;                         // host.fp.* by address, when any
};

}  // namespace fumidai::fingerprints
