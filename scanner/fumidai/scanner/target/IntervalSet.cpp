#include "fumidai/scanner/target/IntervalSet.h"

#include <algorithm>

namespace fumidai::scanner {

IntervalSet IntervalSet::from(std::vector<Ipv4Interval> intervals) {
  std::sort(intervals.begin(), intervals.end(),
            [](const Ipv4Interval& a, const Ipv4Interval& b) { return a.first < b.first; });
  IntervalSet set;
  for (const auto& in : intervals) {
    if (!set.intervals_.empty() && in.first <= std::uint64_t{set.intervals_.back().last} + 1) {
      set.intervals_.back().last = std::max(set.intervals_.back().last, in.last);
    } else {
      set.intervals_.push_back(in);
    }
  }
  return set;
}

void IntervalSet::add(Ipv4Interval in) {
  // Find the first interval that could touch `in` (ends at or after in.first-1).
  auto it = std::lower_bound(
      intervals_.begin(), intervals_.end(), in,
      [](const Ipv4Interval& a, const Ipv4Interval& b) { return std::uint64_t{a.last} + 1 < b.first; });
  auto end = it;
  while (end != intervals_.end() && end->first <= std::uint64_t{in.last} + 1) {
    in.first = std::min(in.first, end->first);
    in.last = std::max(in.last, end->last);
    ++end;
  }
  it = intervals_.erase(it, end);
  intervals_.insert(it, in);
}

IntervalSet IntervalSet::minus(const IntervalSet& other) const {
  IntervalSet out;
  auto cut = other.intervals_.begin();
  for (Ipv4Interval piece : intervals_) {
    while (cut != other.intervals_.end() && cut->last < piece.first) ++cut;
    bool alive = true;
    for (auto c = cut; c != other.intervals_.end() && c->first <= piece.last; ++c) {
      if (c->first > piece.first) out.intervals_.push_back({piece.first, c->first - 1});
      if (c->last >= piece.last) {
        alive = false;
        break;
      }
      piece.first = c->last + 1;
    }
    if (alive) out.intervals_.push_back(piece);
  }
  return out;
}

bool IntervalSet::contains(std::uint32_t address) const {
  auto it = std::upper_bound(intervals_.begin(), intervals_.end(), address,
                             [](std::uint32_t a, const Ipv4Interval& in) { return a < in.first; });
  return it != intervals_.begin() && std::prev(it)->last >= address;
}

std::uint64_t IntervalSet::count() const {
  std::uint64_t n = 0;
  for (const auto& in : intervals_) n += in.size();
  return n;
}

}  // namespace fumidai::scanner
