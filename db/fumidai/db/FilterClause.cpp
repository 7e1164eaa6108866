#include "fumidai/db/FilterClause.h"

#include <fmt/format.h>

#include "fumidai/db/IpPrefix.h"
#include "fumidai/db/SqlArray.h"

namespace fumidai::db {
namespace {

std::string replace_all(std::string text, std::string_view from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

bool is_country(const std::string& code) {
  return code.size() == 2 && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' && code[1] <= 'Z';
}

std::optional<std::string> optional_array(const std::vector<std::string>& values) {
  if (values.empty()) return std::nullopt;
  return sql_array(values);
}

std::optional<std::string> optional_array(const std::vector<std::int64_t>& values) {
  if (values.empty()) return std::nullopt;
  return sql_array(values);
}

Result<> check_prefixes(std::string_view name, const std::vector<std::string>& prefixes) {
  for (const auto& p : prefixes) {
    if (auto parsed = parse_prefix(p); !parsed)
      return make_input_error(fmt::format("{}: {}", name, parsed.error().message));
  }
  return {};
}

Result<> check_countries(std::string_view name, const std::vector<std::string>& countries) {
  for (const auto& c : countries) {
    if (!is_country(c)) return make_input_error(fmt::format("{}: {:?} is not an ISO 3166-1 alpha-2 code", name, c));
  }
  return {};
}

}  // namespace

std::string FilterClause::sql(const FilterColumns& c, int first) {
  auto p = [first](int n) { return fmt::format("${}", first + n - 1); };
  // Each line: absent (NULL parameter) or the column matches one value.
  std::string out = fmt::format(
      "({asns}::bigint[] IS NULL OR {asn} = ANY ({asns}::bigint[]))"
      " AND ({orgs}::text[] IS NULL OR EXISTS (SELECT 1 FROM unnest({orgs}::text[]) fo(v)"
      "      WHERE fo.v = {org_id} OR lower(fo.v) = lower({org_name})))"
      " AND ({countries}::text[] IS NULL OR {country} = ANY ({countries}::text[]))"
      " AND ({prefixes}::cidr[] IS NULL OR {ip} <<= ANY ({prefixes}::cidr[]))"
      " AND ({categories}::text[] IS NULL OR {categories_col} && {categories}::text[])"
      " AND ({labels}::text[] IS NULL OR {labels_col} && {labels}::text[])"
      " AND (({vendors}::text[] IS NULL AND {products}::text[] IS NULL) OR EXISTS ("
      "      SELECT 1 FROM jsonb_array_elements({fingerprints}) ff(f)"
      "      WHERE ({vendors}::text[] IS NULL OR lower(ff.f ->> 'vendor') IN (SELECT lower(v) FROM "
      "unnest({vendors}::text[]) v))"
      "        AND ({products}::text[] IS NULL OR lower(ff.f ->> 'product') IN (SELECT lower(v) FROM "
      "unnest({products}::text[]) v))))"
      " AND ({ports}::integer[] IS NULL OR {port} = ANY ({ports}::integer[]))"
      " AND ({protocols}::text[] IS NULL OR {protocol} = ANY ({protocols}::text[]))"
      " AND ({scan_id}::bigint IS NULL OR {scan})"
      " AND ({since}::timestamptz IS NULL OR {last_seen} >= {since}::timestamptz)"
      " AND ({until}::timestamptz IS NULL OR {first_seen} <= {until}::timestamptz)"
      " AND (NOT {restricted}::boolean OR {asn} = ANY ({scope_asns}::bigint[])"
      "      OR {ip} <<= ANY ({scope_prefixes}::cidr[]) OR {country} = ANY ({scope_countries}::text[]))",
      fmt::arg("asns", p(1)), fmt::arg("orgs", p(2)), fmt::arg("countries", p(3)), fmt::arg("prefixes", p(4)),
      fmt::arg("categories", p(5)), fmt::arg("labels", p(6)), fmt::arg("vendors", p(7)), fmt::arg("products", p(8)),
      fmt::arg("ports", p(9)), fmt::arg("protocols", p(10)), fmt::arg("scan_id", p(11)), fmt::arg("since", p(12)),
      fmt::arg("until", p(13)), fmt::arg("scope_asns", p(14)), fmt::arg("scope_prefixes", p(15)),
      fmt::arg("scope_countries", p(16)), fmt::arg("restricted", p(17)), fmt::arg("asn", c.asn),
      fmt::arg("org_id", c.org_id), fmt::arg("org_name", c.org_name), fmt::arg("country", c.country),
      fmt::arg("ip", c.ip), fmt::arg("categories_col", c.categories), fmt::arg("labels_col", c.labels),
      fmt::arg("fingerprints", c.fingerprints), fmt::arg("port", c.port), fmt::arg("protocol", c.protocol),
      fmt::arg("scan", replace_all(c.scan, "$SCAN", p(11) + "::bigint")), fmt::arg("last_seen", c.last_seen),
      fmt::arg("first_seen", c.first_seen));
  return "(" + out + ")";
}

Result<SqlParameters> FilterClause::parameters(const ExposureFilter& filter, const Scope& scope) {
  if (auto ok = check_prefixes("prefix", filter.prefixes); !ok) return ok.error();
  if (auto ok = check_prefixes("constituency prefix", scope.prefixes); !ok) return ok.error();
  if (auto ok = check_countries("country", filter.countries); !ok) return ok.error();
  if (auto ok = check_countries("constituency country", scope.countries); !ok) return ok.error();
  for (const auto port : filter.ports) {
    if (port < 0 || port > 65535) return make_input_error(fmt::format("port: {} is outside 0..65535", port));
  }
  SqlParameters out;
  out.reserve(kParameters);
  out.push_back(optional_array(filter.asns));
  out.push_back(optional_array(filter.orgs));
  out.push_back(optional_array(filter.countries));
  out.push_back(optional_array(filter.prefixes));
  out.push_back(optional_array(filter.categories));
  out.push_back(optional_array(filter.labels));
  out.push_back(optional_array(filter.vendors));
  out.push_back(optional_array(filter.products));
  out.push_back(optional_array(filter.ports));
  out.push_back(optional_array(filter.protocols));
  out.push_back(filter.scan_id ? std::optional(std::to_string(*filter.scan_id)) : std::nullopt);
  out.push_back(filter.since);
  out.push_back(filter.until);
  out.push_back(sql_array(scope.asns));
  out.push_back(sql_array(scope.prefixes));
  out.push_back(sql_array(scope.countries));
  out.push_back(scope.restricted ? "true" : "false");
  return out;
}

}  // namespace fumidai::db
