#pragma once
// A set of IPv4 addresses kept as sorted, disjoint, non-adjacent intervals.
// Lookups are a binary search, so a blocklist of thousands of prefixes costs a
// handful of comparisons per probe.
// Contract: value type; const methods are safe to call from many threads.
#include <cstdint>
#include <span>
#include <vector>

#include "fumidai/scanner/target/Ipv4.h"

namespace fumidai::scanner {

class IntervalSet {
 public:
  // Sorts and merges in O(n log n): for lists of millions of prefixes.
  static IntervalSet from(std::vector<Ipv4Interval> intervals);
  // O(size) per call: for a handful of additions.
  void add(Ipv4Interval interval);
  IntervalSet minus(const IntervalSet& other) const;
  bool contains(std::uint32_t address) const;
  std::uint64_t count() const;  // number of addresses
  bool empty() const { return intervals_.empty(); }
  std::span<const Ipv4Interval> intervals() const { return intervals_; }

 private:
  std::vector<Ipv4Interval> intervals_;
};

}  // namespace fumidai::scanner
