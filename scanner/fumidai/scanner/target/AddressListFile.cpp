#include "fumidai/scanner/target/AddressListFile.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "fumidai/core/Trim.h"

namespace fumidai::embedded {
extern const std::string_view default_blocklist_conf;
}

namespace fumidai::scanner {
Result<IntervalSet> parse_address_list(std::string_view text, std::string_view origin) {
  std::vector<Ipv4Interval> intervals;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = trim_blanks(line);
    if (line.empty()) continue;
    auto interval = parse_target(line);
    if (!interval) return make_input_error(fmt::format("{}:{}: {}", origin, line_no, interval.error().message));
    intervals.push_back(*interval);
  }
  return IntervalSet::from(std::move(intervals));
}

Result<IntervalSet> load_address_list_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_input_error(fmt::format("cannot open '{}': {}", path, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return make_input_error(fmt::format("cannot read '{}'", path));
  return parse_address_list(text.str(), path);
}

IntervalSet default_blocklist() {
  auto set = parse_address_list(embedded::default_blocklist_conf, "default-blocklist.conf");
  // The embedded file is tested in CI; a parse failure here is a build defect.
  return set.value();
}

}  // namespace fumidai::scanner
