#pragma once
// Stage 3 for one record at a time: asks each fingerprint source in turn (our
// rule database first, then Recog's) about the record's fields, marks the
// fingerprints whose model is past end of life, and evaluates the risk labels
// over the record's fields plus fp.* (its own fingerprints) and host.fp.*
// (those of every record of its address; see ScanBatch). The JSON forms are
// in fingerprints/README.md.
//
// Contract: immutable after construction apart from its statistics (relaxed
// atomic counters); every method may run on many threads at once, each with
// its own MatchScratch. The sources, the EOL list and the labels are shared
// and read-only; a null EOL list or label set means none.
#include <atomic>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fumidai/fingerprints/FieldSet.h"
#include "fumidai/fingerprints/Fingerprint.h"
#include "fumidai/fingerprints/FingerprintSource.h"
#include "fumidai/fingerprints/Pattern.h"

namespace fumidai::fingerprints {

class EolList;
class LabelSet;

class FingerprintEngine {
 public:
  struct Statistics {
    std::uint64_t records = 0;        // records fingerprinted
    std::uint64_t fingerprinted = 0;  // of those, with at least one fingerprint
    std::uint64_t limit_hits = 0;     // matches stopped by PCRE2's limits (counted as no match)
    std::vector<std::pair<std::string, std::uint64_t>> hits_by_source;  // fingerprints, in source order

    boost::json::object to_json() const;
  };

  // What stage 2 puts in a record.
  struct Annotation {
    boost::json::array fingerprints;
    boost::json::array labels;
  };

  FingerprintEngine(std::vector<std::shared_ptr<const FingerprintSource>> sources, std::shared_ptr<const EolList> eol,
                    std::shared_ptr<const LabelSet> labels);
  FingerprintEngine(const FingerprintEngine&) = delete;
  FingerprintEngine& operator=(const FingerprintEngine&) = delete;

  // Every source's fingerprints for one record, in source order, end of life
  // marked. Counted in the statistics.
  std::vector<Fingerprint> fingerprint(const FieldSet& fields, MatchScratch& scratch) const;

  // Adds fp.* (from `own`) and `host` (host.fp.* fields, see add_fingerprint_fields)
  // to `fields`, and returns the labels that hold: [{id, severity}], in labels.yaml order.
  boost::json::array label(FieldSet& fields, std::span<const Fingerprint> own, const FieldSet& host,
                           MatchScratch& scratch) const;

  // One record alone, as stage 2 writes it: host.fp.* are its own fingerprints'.
  // `fields` (record_fields of the record) gains the fp.* fields.
  Annotation annotate(FieldSet& fields, MatchScratch& scratch) const;
  // The same for a JSON record: replaces record["fingerprints"] and record["labels"].
  void annotate(boost::json::object& record, MatchScratch& scratch) const;

  Statistics statistics() const;
  const std::vector<std::shared_ptr<const FingerprintSource>>& sources() const { return sources_; }

 private:
  std::vector<std::shared_ptr<const FingerprintSource>> sources_;
  std::shared_ptr<const EolList> eol_;
  std::shared_ptr<const LabelSet> labels_;
  mutable std::atomic<std::uint64_t> records_{0};
  mutable std::atomic<std::uint64_t> fingerprinted_{0};
  mutable std::atomic<std::uint64_t> limit_hits_{0};
  std::unique_ptr<std::atomic<std::uint64_t>[]> source_hits_;
};

// Adds the label fields of `fingerprints` under `prefix` ("fp." or "host.fp."):
// id, category, vendor, product, device, tags, and eol ("true" for one past end
// of life). A value already there is not added again, so adding several
// records' fingerprints makes their union.
void add_fingerprint_fields(FieldSet& fields, std::string_view prefix, std::span<const Fingerprint> fingerprints);

// Fingerprints as the record's "fingerprints" array.
boost::json::array fingerprints_json(std::span<const Fingerprint> fingerprints);

}  // namespace fumidai::fingerprints
