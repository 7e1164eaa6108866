#pragma once
// A source of fingerprints: the YAML rule database, or Recog's XML. The engine
// asks each source in turn about one record's fields.
//
// Contract: a source is immutable once loaded; match() may run on many threads
// at once, each with its own MatchScratch. match() appends what it found to
// `out` (at most one fingerprint per precedence group: a category for our
// rules, a file for Recog) and never throws; a pattern that hits PCRE2's match
// limit counts as no match and is counted in `limit_hits`.
#include <cstdint>
#include <string_view>
#include <vector>

#include "fumidai/fingerprints/FieldSet.h"
#include "fumidai/fingerprints/Fingerprint.h"
#include "fumidai/fingerprints/Pattern.h"

namespace fumidai::fingerprints {

class FingerprintSource {
 public:
  virtual ~FingerprintSource() = default;
  virtual std::string_view name() const = 0;
  virtual void match(const FieldSet& fields, MatchScratch& scratch, std::vector<Fingerprint>& out,
                     std::uint64_t& limit_hits) const = 0;
};

}  // namespace fumidai::fingerprints
