#include "fumidai/db/Pfx2asLineParser.h"

#include <fmt/format.h>

#include <algorithm>

#include "fumidai/db/AttributionFields.h"

namespace fumidai::db {

Result<std::optional<Pfx2asRow>> Pfx2asLineParser::parse(std::string_view line) const {
  if (line.empty() || line.front() == '#') return std::nullopt;
  auto fields = split_fields(line, '\t', 3);
  if (!fields) return fields.error();
  if (fields->size() != 3) return make_input_error("expected prefix<TAB>length<TAB>AS number");
  const std::string_view network = (*fields)[0];
  const std::string_view length = (*fields)[1];
  if (network.find('/') != std::string_view::npos || length.empty() || length.size() > 3) {
    return make_input_error(fmt::format("bad prefix {:?} / length {:?}", network.substr(0, 64), length.substr(0, 8)));
  }
  auto prefix = parse_prefix(fmt::format("{}/{}", network, length));
  if (!prefix) return prefix.error();

  Pfx2asRow row{*prefix, {}};
  std::string_view origins = (*fields)[2];
  // '_' separates the origins of a multi-origin prefix, ',' the members of an
  // AS set; both name ASes that announce it.
  while (true) {
    const auto end = origins.find_first_of("_,");
    auto asn = parse_asn(origins.substr(0, end));
    if (!asn) return asn.error();
    if (std::find(row.asns.begin(), row.asns.end(), *asn) == row.asns.end()) {
      if (row.asns.size() == max_origins) return make_input_error(fmt::format("more than {} origin ASes", max_origins));
      row.asns.push_back(*asn);
    }
    if (end == std::string_view::npos) break;
    origins.remove_prefix(end + 1);
  }
  return row;
}

}  // namespace fumidai::db
