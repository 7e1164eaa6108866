#include "fumidai/db/ScanMetadata.h"

#include <openssl/rand.h>

#include <fmt/format.h>

namespace fumidai::db {
namespace {

namespace json = boost::json;

Error bad(std::string_view key, std::string_view expected) {
  return make_input_error(fmt::format("summary: \"{}\" {}", key, expected));
}

Result<std::optional<std::uint64_t>> unsigned_value(const json::object& o, std::string_view key, std::uint64_t max) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<std::uint64_t>();
  if (v->is_uint64() && v->get_uint64() <= max) return std::optional<std::uint64_t>(v->get_uint64());
  if (v->is_int64() && v->get_int64() >= 0 && static_cast<std::uint64_t>(v->get_int64()) <= max)
    return std::optional<std::uint64_t>(static_cast<std::uint64_t>(v->get_int64()));
  return bad(key, fmt::format("must be an integer 0-{}", max));
}

Result<std::optional<std::vector<std::uint16_t>>> port_list(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<std::vector<std::uint16_t>>();
  if (!v->is_array()) return bad(key, "must be an array of ports");
  std::vector<std::uint16_t> ports;
  for (const json::value& p : v->get_array()) {
    if (!p.is_int64() || p.get_int64() < 0 || p.get_int64() > 65535) return bad(key, "must be an array of ports");
    ports.push_back(static_cast<std::uint16_t>(p.get_int64()));
  }
  return std::optional<std::vector<std::uint16_t>>(std::move(ports));
}

Result<std::optional<UtcMicros>> time_value(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<UtcMicros>();
  const auto at = v->is_string() ? parse_utc_time(v->get_string()) : std::nullopt;
  if (!at) return bad(key, "must be a UTC time YYYY-MM-DDTHH:MM:SS.sssZ");
  return std::optional<UtcMicros>(*at);
}

}  // namespace

Result<> apply_scan_summary(const json::object& summary, ScanMetadata& m) {
  auto start = time_value(summary, "start");
  if (!start) return start.error();
  if (!*start) return bad("start", "is missing (is this the summary `fumidai scan -m FILE` writes?)");
  auto end = time_value(summary, "end");
  if (!end) return end.error();
  auto ports = port_list(summary, "ports");
  if (!ports) return ports.error();
  auto udp_ports = port_list(summary, "udp_ports");
  if (!udp_ports) return udp_ports.error();
  auto rate = unsigned_value(summary, "rate", INT64_MAX);
  if (!rate) return rate.error();
  auto seed = unsigned_value(summary, "seed", UINT64_MAX);
  if (!seed) return seed.error();
  auto shard = unsigned_value(summary, "shard", UINT32_MAX);
  if (!shard) return shard.error();
  auto shards = unsigned_value(summary, "shards", UINT32_MAX);
  if (!shards) return shards.error();
  auto addresses = unsigned_value(summary, "addresses", UINT64_MAX);
  if (!addresses) return addresses.error();

  m.started = **start;
  if (*end) m.finished = **end;
  if (*ports) m.ports = std::move(**ports);
  if (*udp_ports) m.udp_ports = std::move(**udp_ports);
  if (*ports || *udp_ports) m.ports_from_records = false;
  if (*rate) m.rate = static_cast<std::int64_t>(**rate);
  if (*seed) m.seed = **seed;
  if (*shard) m.shard = static_cast<std::uint32_t>(**shard);
  if (*shards) m.shards = static_cast<std::uint32_t>(**shards);
  if (*addresses && m.target_summary.empty()) {
    m.target_summary = fmt::format("{} addresses x {} ports", **addresses, m.ports.size() + m.udp_ports.size());
  }
  m.summary = summary;
  return {};
}

Result<std::string> random_scan_uid() {
  unsigned char bytes[16];
  // A uid that might repeat would merge two scans: no fallback.
  if (RAND_bytes(bytes, sizeof bytes) != 1) return make_error("no randomness for a scan uid (RAND_bytes failed)");
  std::string uid;
  for (unsigned char b : bytes) uid += fmt::format("{:02x}", b);
  return uid;
}

}  // namespace fumidai::db
