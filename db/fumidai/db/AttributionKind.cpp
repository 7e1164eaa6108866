#include "fumidai/db/AttributionKind.h"

#include <regex>
#include <string>

#include "fumidai/db/AttributionFields.h"

namespace fumidai::db {

std::string_view kind_name(AttributionKind kind) {
  switch (kind) {
    case AttributionKind::pfx2as:
      return "pfx2as";
    case AttributionKind::as2org:
      return "as2org";
    case AttributionKind::delegated:
      return "delegated";
    case AttributionKind::geolite2_asn:
      return "geolite2-asn";
    case AttributionKind::abuse:
      return "abuse";
  }
  return "";
}

std::optional<AttributionKind> parse_attribution_kind(std::string_view name) {
  for (const auto kind : all_attribution_kinds) {
    if (kind_name(kind) == name) return kind;
  }
  return std::nullopt;
}

std::optional<std::chrono::year_month_day> data_date_from_path(AttributionKind kind, std::string_view path) {
  // pfx2as, as2org and delegated name the file; GeoLite2 names the directory
  // its zip unpacks to, so the whole path is searched.
  const auto slash = path.rfind('/');
  const std::string name(kind == AttributionKind::geolite2_asn || slash == std::string_view::npos
                             ? path
                             : path.substr(slash + 1));
  static const std::regex pfx2as(R"(^routeviews-rv[26]-([0-9]{8})-[0-9]{4}\.pfx2as(\.gz)?$)");
  static const std::regex as2org(R"(^([0-9]{8})\.as-org2info\.txt(\.gz)?$)");
  static const std::regex delegated(R"(^delegated-[a-z]+-extended-([0-9]{8})(\.gz)?$)");
  static const std::regex geolite2(R"((?:^|/)GeoLite2-ASN-CSV_([0-9]{8})/[^/]+$)");
  const std::regex* pattern = nullptr;
  switch (kind) {
    case AttributionKind::pfx2as:
      pattern = &pfx2as;
      break;
    case AttributionKind::as2org:
      pattern = &as2org;
      break;
    case AttributionKind::delegated:
      pattern = &delegated;
      break;
    case AttributionKind::geolite2_asn:
      pattern = &geolite2;
      break;
    case AttributionKind::abuse:
      return std::nullopt;
  }
  std::smatch match;
  if (!std::regex_search(name, match, *pattern)) return std::nullopt;
  auto date = parse_compact_date(match[1].str());
  if (!date) return std::nullopt;
  return *date;
}

}  // namespace fumidai::db
