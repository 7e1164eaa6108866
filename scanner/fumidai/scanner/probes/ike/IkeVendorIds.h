#pragma once
// IkeVendorIds: names IKE Vendor ID payloads by the longest listed prefix
// of their bytes. The list is a text file people edit,
// scanner/data/ike-vendor-ids.conf ("HEXPREFIX name" per line, '#' starts a
// comment), compiled into the binary as the built-in list.
//
// Immutable once built; safe to share between threads.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/core/Error.h"

namespace fumidai::scanner {

class IkeVendorIds {
 public:
  static constexpr std::size_t kMaxPrefixBytes = 64;  // as many as the parser keeps of a vendor ID
  static constexpr std::size_t kMaxNameBytes = 100;
  static constexpr std::size_t kMaxEntries = 4096;

  // An input error naming `source` and the line for a bad line, a prefix
  // listed twice or too many entries.
  static Result<IkeVendorIds> parse(std::string_view text, std::string_view source);
  // The embedded default; the unit tests parse the same text.
  static const IkeVendorIds& built_in();

  // The name for `vendor_id` (raw bytes); empty when no prefix matches.
  std::string_view name(std::string_view vendor_id) const;
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string prefix;  // raw bytes
    std::string name;
  };
  std::vector<Entry> entries_;
};

}  // namespace fumidai::scanner
