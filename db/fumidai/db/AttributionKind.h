#pragma once
// The kinds of attribution data (attribution_imports.kind) and what a data
// file's name says about its date.
// Contract: pure functions.
#include <array>
#include <chrono>
#include <optional>
#include <string_view>

namespace fumidai::db {

enum class AttributionKind { pfx2as, as2org, delegated, geolite2_asn, abuse };

inline constexpr std::array<AttributionKind, 5> all_attribution_kinds{
    AttributionKind::pfx2as, AttributionKind::as2org, AttributionKind::delegated, AttributionKind::geolite2_asn,
    AttributionKind::abuse};

// "pfx2as", "as2org", "delegated", "geolite2-asn", "abuse".
std::string_view kind_name(AttributionKind kind);
std::optional<AttributionKind> parse_attribution_kind(std::string_view name);

// The data's date as the publisher writes it into the path, if it does:
//   pfx2as        routeviews-rv2-20240101-1200.pfx2as(.gz)   (also rv6)
//   as2org        20240101.as-org2info.txt(.gz)
//   delegated     delegated-apnic-extended-20240101(.gz)     (any registry)
//   geolite2-asn  GeoLite2-ASN-CSV_20240102/GeoLite2-ASN-Blocks-IPv4.csv (the zip's directory)
//   abuse         none
std::optional<std::chrono::year_month_day> data_date_from_path(AttributionKind kind, std::string_view path);

}  // namespace fumidai::db
