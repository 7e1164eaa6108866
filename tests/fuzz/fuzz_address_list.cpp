// Fuzz target: blocklist and allowlist files (-b / -w), and the target and
// port notations, all fed the same bytes. Besides "no crash", it checks what
// each parser promises about what it returns.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "FuzzCheck.h"
#include "fumidai/scanner/target/AddressListFile.h"
#include "fumidai/scanner/target/IntervalSet.h"
#include "fumidai/scanner/target/Ipv4.h"
#include "fumidai/scanner/target/PortList.h"

using namespace fumidai;
using namespace fumidai::scanner;

namespace {

// IntervalSet's contract: sorted, disjoint, non-adjacent intervals.
void check_interval_set(const IntervalSet& set) {
  std::uint64_t count = 0;
  const Ipv4Interval* previous = nullptr;
  for (const auto& in : set.intervals()) {
    FUZZ_CHECK(in.first <= in.last);
    if (previous != nullptr) FUZZ_CHECK(std::uint64_t{previous->last} + 1 < in.first);
    FUZZ_CHECK(set.contains(in.first) && set.contains(in.last));
    if (in.first > 0) FUZZ_CHECK(!set.contains(in.first - 1));
    if (in.last < 0xffffffffu) FUZZ_CHECK(!set.contains(in.last + 1));
    count += in.size();
    previous = &in;
  }
  FUZZ_CHECK(set.count() == count);
  FUZZ_CHECK(set.empty() == (count == 0));
  FUZZ_CHECK(set.minus(set).empty());
  FUZZ_CHECK(set.minus(IntervalSet{}).count() == count);
}

// The same file read line by line into IntervalSet::add, one interval at a
// time: a second way to the same set (the parser merges in bulk).
IntervalSet add_line_by_line(std::string_view text) {
  IntervalSet set;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    line = line.substr(0, line.find('#'));
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) continue;
    line = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
    if (auto interval = parse_target(line)) set.add(*interval);
  }
  return set;
}

bool same_intervals(const IntervalSet& a, const IntervalSet& b) {
  return std::equal(a.intervals().begin(), a.intervals().end(), b.intervals().begin(), b.intervals().end());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  // A blocklist/allowlist file.
  auto list = parse_address_list(text, "fuzz");
  if (list) {
    check_interval_set(*list);
    FUZZ_CHECK(same_intervals(*list, add_line_by_line(text)));
  } else {
    FUZZ_CHECK(list.error().kind == Error::Kind::invalid_input);
    FUZZ_CHECK(list.error().message.rfind("fuzz:", 0) == 0);  // names the origin and line
  }

  // One target (address, CIDR or range).
  auto target = parse_target(text);
  if (target) {
    FUZZ_CHECK(target->first <= target->last);
    // A single address prints back to text that parses to the same address.
    if (target->first == target->last) {
      auto again = parse_target(format_ipv4(target->first));
      FUZZ_CHECK(again && *again == *target);
    }
  } else {
    FUZZ_CHECK(target.error().kind == Error::Kind::invalid_input);
  }

  // A port list.
  auto ports = parse_port_list(text);
  if (ports) {
    FUZZ_CHECK(!ports->empty());
    for (std::size_t i = 0; i < ports->size(); ++i) {
      FUZZ_CHECK((*ports)[i] != 0);
      if (i > 0) FUZZ_CHECK((*ports)[i - 1] < (*ports)[i]);
    }
  } else {
    FUZZ_CHECK(ports.error().kind == Error::Kind::invalid_input);
  }
  return 0;
}
