#include "fumidai/api/handlers/FilterParams.h"

#include <fmt/format.h>

#include <charconv>
#include <limits>

#include "fumidai/api/handlers/ParamSpecs.h"

namespace fumidai::api {
namespace {

constexpr std::size_t kMaxNameLength = 128;

Result<std::int64_t> integer(std::string_view name, std::string_view text) {
  if (text.starts_with("AS") || text.starts_with("as")) text.remove_prefix(2);
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return make_input_error(fmt::format("{}: {:?} is not a number", name, text));
  }
  return value;
}

const std::vector<std::string>& values(const ApiRequest& request, const std::string& name) {
  static const std::vector<std::string> none;
  const auto it = request.query.find(name);
  return it == request.query.end() ? none : it->second;
}

Result<std::vector<std::int64_t>> integers(const ApiRequest& request, const std::string& name) {
  std::vector<std::int64_t> out;
  for (const auto& v : values(request, name)) {
    auto n = integer(name, v);
    if (!n) return n.error();
    out.push_back(*n);
  }
  return out;
}

ParamSpec repeated(std::string name, ParamType type, std::string description) {
  ParamSpec spec = params::of_type(std::move(name), type, std::move(description));
  spec.repeated = true;
  spec.max_length = kMaxNameLength;
  return spec;
}

}  // namespace

std::vector<ParamSpec> FilterParams::specs(const std::set<std::string>& without) {
  std::vector<ParamSpec> all;
  all.push_back(repeated("asn", ParamType::asn, "Origin AS of the address (64496 or AS64496); repeat to OR."));
  all.push_back(repeated("org", ParamType::string, "ISP: an AS2Org organisation id, or its name (case-insensitive)."));
  all.push_back(repeated("country", ParamType::country, "ISO 3166-1 alpha-2 country of the address."));
  all.push_back(repeated("prefix", ParamType::cidr, "Only addresses inside this CIDR."));
  all.push_back(repeated("category", ParamType::string, "Fingerprint category: router, vpn, proxy, admin-panel, ..."));
  all.push_back(repeated("label", ParamType::string, "Label id, e.g. vpn-on-consumer-router."));
  all.push_back(repeated("vendor", ParamType::string, "Fingerprint vendor (case-insensitive)."));
  all.push_back(repeated("product", ParamType::string, "Fingerprint product (case-insensitive)."));
  ParamSpec port = repeated("port", ParamType::integer, "Port number.");
  port.min = 0;
  port.max = 65535;
  all.push_back(port);
  all.push_back(repeated("protocol", ParamType::string, "Application protocol: http, ssh, pptp, ..."));
  all.push_back(params::integer("scan", 1, std::numeric_limits<std::int64_t>::max(),
                                "A scan id: what that scan saw (statistics: the scan counted; default the latest "
                                "finalized)."));
  all.push_back(params::of_type("since", ParamType::timestamp, "Last seen at or after (RFC 3339 or YYYY-MM-DD, UTC)."));
  all.push_back(
      params::of_type("until", ParamType::timestamp, "First seen at or before (RFC 3339 or YYYY-MM-DD, UTC)."));
  std::erase_if(all, [&](const ParamSpec& p) { return without.contains(p.name); });
  return all;
}

Result<db::ExposureFilter> FilterParams::filter(const ApiRequest& request) {
  db::ExposureFilter f;
  auto asns = integers(request, "asn");
  if (!asns) return asns.error();
  f.asns = std::move(*asns);
  auto ports = integers(request, "port");
  if (!ports) return ports.error();
  f.ports = std::move(*ports);
  f.orgs = values(request, "org");
  f.countries = values(request, "country");
  f.prefixes = values(request, "prefix");
  f.categories = values(request, "category");
  f.labels = values(request, "label");
  f.vendors = values(request, "vendor");
  f.products = values(request, "product");
  f.protocols = values(request, "protocol");
  if (auto scan = request.param("scan")) {
    auto id = integer("scan", *scan);
    if (!id) return id.error();
    f.scan_id = *id;
  }
  f.since = request.param("since");
  f.until = request.param("until");
  return f;
}

db::Scope FilterParams::scope(const ApiRequest& request) {
  db::Scope scope;
  if (!request.principal || request.principal->role != Role::analyst) return scope;
  const auto& c = request.principal->constituency;
  scope.restricted = true;
  scope.asns = c.asns;
  scope.prefixes = c.prefixes;
  scope.countries = c.countries;
  return scope;
}

Result<int> FilterParams::limit(const ApiRequest& request, int fallback) {
  const auto text = request.param("limit");
  if (!text) return fallback;
  auto n = integer("limit", *text);
  if (!n) return n.error();
  if (*n < 1 || *n > 1000000) return make_input_error(fmt::format("limit: {} is out of range", *n));
  return static_cast<int>(*n);
}

}  // namespace fumidai::api
