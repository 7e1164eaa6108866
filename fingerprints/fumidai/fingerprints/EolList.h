#pragma once
// End-of-life models (fingerprints/eol.yaml, README "End of life"): a
// fingerprint whose vendor and product match an entry gets the entry's date
// and source.
//
// Contract: immutable after load; annotate() is thread-safe given a
// per-thread MatchScratch.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/fingerprints/Fingerprint.h"
#include "fumidai/fingerprints/Pattern.h"

namespace fumidai::fingerprints {

class EolList {
 public:
  static constexpr std::size_t kMaxEntries = 100'000;

  static Result<EolList> load(std::string_view text, std::string_view name);
  static Result<EolList> load_embedded();

  // The first entry whose vendor equals the fingerprint's and whose product
  // equals it (or whose product_regex matches it), ignoring case, sets
  // eol_date and eol_source. Others leave the fingerprint as it is.
  void annotate(Fingerprint& fingerprint, MatchScratch& scratch) const;
  std::size_t size() const { return entries_.size(); }

  struct Entry {
    int line = 0;
    std::string vendor;   // lower case
    std::string product;  // lower case; empty when product_regex is used
    std::optional<Pattern> product_regex;
    std::string date;
    std::string source;
  };

 private:
  explicit EolList(std::vector<Entry> entries) : entries_(std::move(entries)) {}
  std::vector<Entry> entries_;
};

}  // namespace fumidai::fingerprints
