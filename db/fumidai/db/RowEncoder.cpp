#include "fumidai/db/RowEncoder.h"

#include <fmt/format.h>

#include <array>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <optional>
#include <vector>

#include "fumidai/db/CopyText.h"

namespace fumidai::db {
namespace {

namespace json = boost::json;

// Beyond these a record is bad: the fingerprint stage names a handful of
// things per record, and the per-record de-duplication below is quadratic.
constexpr std::size_t kMaxFingerprints = 256;
constexpr std::size_t kMaxLabels = 256;

// A record's parsed values fit here unless its body is large.
constexpr std::size_t kArenaBytes = 256 * 1024;

constexpr std::array<std::string_view, 5> kSeverities{"info", "low", "medium", "high", "critical"};

int severity_rank(std::string_view severity) {
  for (std::size_t i = 0; i < kSeverities.size(); ++i)
    if (kSeverities[i] == severity) return static_cast<int>(i);
  return -1;
}

Error bad(std::string_view key, std::string_view expected) {
  return make_input_error(fmt::format("\"{}\" {}", key, expected));
}

bool has_nul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

// A string that goes into a text column: absent or null is nullopt.
Result<std::optional<std::string_view>> optional_string(const json::object& o, std::string_view key,
                                                        std::string_view where = {}) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<std::string_view>();
  const std::string name = where.empty() ? std::string(key) : fmt::format("{}.{}", where, key);
  if (!v->is_string()) return bad(name, "must be a string");
  const std::string_view s = v->get_string();
  if (has_nul(s)) return bad(name, "holds NUL");
  return std::optional<std::string_view>(s);
}

Result<std::string_view> required_string(const json::object& o, std::string_view key, std::string_view where = {}) {
  auto s = optional_string(o, key, where);
  if (!s) return s.error();
  const std::string name = where.empty() ? std::string(key) : fmt::format("{}.{}", where, key);
  if (!*s || (*s)->empty()) return bad(name, "must be a non-empty string");
  return **s;
}

Result<std::optional<std::int64_t>> optional_integer(const json::object& o, std::string_view key, std::int64_t min,
                                                     std::int64_t max, std::string_view where = {}) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<std::int64_t>();
  const std::string name = where.empty() ? std::string(key) : fmt::format("{}.{}", where, key);
  const std::string expected = fmt::format("must be an integer {}-{}", min, max);
  if (v->is_int64()) {
    const std::int64_t n = v->get_int64();
    if (n < min || n > max) return bad(name, expected);
    return std::optional<std::int64_t>(n);
  }
  return bad(name, expected);  // uint64 beyond int64, doubles, strings: none is a valid value here
}

// Every number finite: the parser reads 1e400 as infinity, which jsonb would
// store as a different number.
bool finite_numbers(const json::value& v) {
  switch (v.kind()) {
    case json::kind::double_:
      return std::isfinite(v.get_double());
    case json::kind::array:
      for (const auto& e : v.get_array())
        if (!finite_numbers(e)) return false;
      return true;
    case json::kind::object:
      for (const auto& e : v.get_object())
        if (!finite_numbers(e.value())) return false;
      return true;
    default:
      return true;
  }
}

void append_optional_text(std::string& out, const std::optional<std::string_view>& text) {
  if (text) {
    append_copy_text(out, *text);
  } else {
    append_copy_null(out);
  }
}

struct FingerprintRow {
  std::string_view id, source, category;
  std::optional<std::string_view> vendor, product, version, device, cpe;
  std::optional<std::int64_t> confidence;
};

struct LabelRow {
  std::string_view id, severity;
};

}  // namespace

RowEncoder::RowEncoder(ScanRef scan, const AttributionSnapshot& attribution)
    : scan_(scan),
      scan_prefix_(fmt::format("{}\t{}\t", scan.id, format_utc_time(scan.started))),
      attribution_(attribution),
      arena_buffer_(kArenaBytes) {}

Result<EncodedRecord> RowEncoder::encode_line(std::string_view line, CopyRows& out) {
  if (line.size() > kMaxLineBytes) return make_input_error(fmt::format("longer than {} bytes", kMaxLineBytes));
  parser_.reset();  // drops the previous line's value before its arena goes
  arena_.emplace(arena_buffer_.data(), arena_buffer_.size());
  parser_.reset(json::storage_ptr(&*arena_));
  boost::system::error_code ec;
  parser_.write(line.data(), line.size(), ec);
  if (ec) return make_input_error(fmt::format("not JSON: {}", ec.message()));
  const json::value record = parser_.release();
  if (!record.is_object()) return make_input_error("not a record: not a JSON object");
  return encode(record.get_object(), out);
}

Result<EncodedRecord> RowEncoder::encode(const json::object& r, CopyRows& out) {
  // Everything is read and checked first; only the jsonb values can still
  // fail (NUL) while writing, and take the record's rows back with them.
  auto ip_text = required_string(r, "ip");
  if (!ip_text) return ip_text.error();
  boost::system::error_code ec;
  const auto ip = boost::asio::ip::make_address(*ip_text, ec);
  // A zone (fe80::1%eth0) is no inet value.
  if (ec || (ip.is_v6() && ip.to_v6().scope_id() != 0)) return bad("ip", "must be an IPv4 or IPv6 address");
  auto port = optional_integer(r, "port", 1, 65535);
  if (!port) return port.error();
  if (!*port) return bad("port", "must be an integer 1-65535");
  auto transport = required_string(r, "transport");
  if (!transport) return transport.error();
  if (*transport != "tcp" && *transport != "udp") return bad("transport", "must be tcp or udp");
  auto status = required_string(r, "status");
  if (!status) return status.error();
  auto ts = required_string(r, "ts");
  if (!ts) return ts.error();
  const auto seen_at = parse_utc_time(*ts);
  if (!seen_at) return bad("ts", "must be a UTC time YYYY-MM-DDTHH:MM:SS.sssZ");
  auto protocol = optional_string(r, "protocol");
  if (!protocol) return protocol.error();
  auto error = optional_string(r, "error");
  if (!error) return error.error();
  auto ptr = optional_string(r, "ptr");
  if (!ptr) return ptr.error();
  auto ttl = optional_integer(r, "ttl", 0, 255);
  if (!ttl) return ttl.error();

  const json::value* data = r.if_contains("data");
  if (data != nullptr && data->is_null()) data = nullptr;
  if (data != nullptr && (!data->is_object() || !finite_numbers(*data))) {
    return bad("data", data->is_object() ? "holds a number beyond a double's range" : "must be an object");
  }

  const json::value* fingerprints = r.if_contains("fingerprints");
  if (fingerprints != nullptr && fingerprints->is_null()) fingerprints = nullptr;
  std::vector<FingerprintRow> matches;  // the first of each category
  if (fingerprints != nullptr) {
    if (!fingerprints->is_array()) return bad("fingerprints", "must be an array");
    if (fingerprints->get_array().size() > kMaxFingerprints)
      return bad("fingerprints", fmt::format("has more than {} entries", kMaxFingerprints));
    if (!finite_numbers(*fingerprints)) return bad("fingerprints", "holds a number beyond a double's range");
    std::size_t index = 0;
    for (const json::value& f : fingerprints->get_array()) {
      const std::string where = fmt::format("fingerprints[{}]", index++);
      if (!f.is_object()) return bad(where, "must be an object");
      const json::object& o = f.get_object();
      FingerprintRow row;
      for (auto [key, target] : {std::pair{"id", &row.id}, {"source", &row.source}, {"category", &row.category}}) {
        auto s = required_string(o, key, where);
        if (!s) return s.error();
        *target = *s;
      }
      for (auto [key, target] : {std::pair{"vendor", &row.vendor}, {"product", &row.product},
                                 {"version", &row.version}, {"device", &row.device}, {"cpe", &row.cpe}}) {
        auto s = optional_string(o, key, where);
        if (!s) return s.error();
        *target = *s;
      }
      auto confidence = optional_integer(o, "confidence", 1, 100, where);
      if (!confidence) return confidence.error();
      row.confidence = *confidence;
      bool seen = false;
      for (const auto& m : matches) seen |= m.category == row.category;
      if (!seen) matches.push_back(row);
    }
  }

  const json::value* labels_value = r.if_contains("labels");
  std::vector<LabelRow> labels;  // distinct ids, first wins
  int severity = -1;
  if (labels_value != nullptr && !labels_value->is_null()) {
    if (!labels_value->is_array()) return bad("labels", "must be an array");
    if (labels_value->get_array().size() > kMaxLabels)
      return bad("labels", fmt::format("has more than {} entries", kMaxLabels));
    std::size_t index = 0;
    for (const json::value& l : labels_value->get_array()) {
      const std::string where = fmt::format("labels[{}]", index++);
      if (!l.is_object()) return bad(where, "must be an object");
      auto id = required_string(l.get_object(), "id", where);
      if (!id) return id.error();
      auto level = required_string(l.get_object(), "severity", where);
      if (!level) return level.error();
      const int rank = severity_rank(*level);
      if (rank < 0) return bad(where + ".severity", "must be critical, high, medium, low or info");
      severity = std::max(severity, rank);
      bool seen = false;
      for (const auto& existing : labels) seen |= existing.id == *id;
      if (!seen) labels.push_back({*id, *level});
    }
  }

  const Attribution owner = attribution_.lookup(ip);
  const std::string ip_string = ip.to_string();
  const CopyRows::Mark mark = out.mark();
  // scan_id, scan_started, ip, port, transport: the key every table starts with.
  const auto append_key = [&](std::string& s) {
    s.append(scan_prefix_);
    s.append(ip_string);
    fmt::format_to(std::back_inserter(s), "\t{}\t{}\t", **port, *transport);
  };
  const auto append_json = [&](std::string& s, const json::value& value) {
    json_.clear();
    json_ = json::serialize(value);
    return append_copy_json(s, json_);
  };

  std::string& s = out.services;
  append_key(s);
  append_optional_text(s, *protocol);
  s.push_back('\t');
  append_copy_text(s, *status);
  s.push_back('\t');
  s.append(*ts);  // checked: digits, '-', ':', 'T', '.' and 'Z' only
  s.push_back('\t');
  if (*ttl) {
    fmt::format_to(std::back_inserter(s), "{}", **ttl);
  } else {
    append_copy_null(s);
  }
  s.push_back('\t');
  if (data == nullptr) {
    append_copy_null(s);
  } else if (!append_json(s, *data)) {
    out.rollback(mark);
    return bad("data", "holds NUL");
  }
  s.push_back('\t');
  append_optional_text(s, *error);
  s.push_back('\t');
  append_optional_text(s, *ptr);
  s.push_back('\t');
  if (fingerprints == nullptr) {
    s.append("[]");
  } else if (!append_json(s, *fingerprints)) {
    out.rollback(mark);
    return bad("fingerprints", "holds NUL");
  }
  s.push_back('\t');
  std::vector<std::string_view> names;
  for (const auto& m : matches) names.push_back(m.category);
  append_copy_text_array(s, names);
  s.push_back('\t');
  names.clear();
  for (const auto& l : labels) names.push_back(l.id);
  append_copy_text_array(s, names);
  s.push_back('\t');
  if (severity >= 0) {
    s.append(kSeverities[static_cast<std::size_t>(severity)]);
  } else {
    append_copy_null(s);
  }
  s.push_back('\t');
  if (owner.asn) {
    fmt::format_to(std::back_inserter(s), "{}", *owner.asn);
  } else {
    append_copy_null(s);
  }
  for (const std::string* text : {&owner.org_id, &owner.org_name, &owner.country}) {
    s.push_back('\t');
    append_optional_text(s, text->empty() ? std::nullopt : std::optional<std::string_view>(*text));
  }
  s.push_back('\n');
  ++out.service_rows;

  for (const auto& m : matches) {
    std::string& f = out.fingerprint_matches;
    append_key(f);
    append_copy_text(f, m.category);
    for (std::string_view text : {m.id, m.source}) {
      f.push_back('\t');
      append_copy_text(f, text);
    }
    for (const auto* text : {&m.vendor, &m.product, &m.version, &m.device, &m.cpe}) {
      f.push_back('\t');
      append_optional_text(f, *text);
    }
    f.push_back('\t');
    if (m.confidence) {
      fmt::format_to(std::back_inserter(f), "{}", *m.confidence);
    } else {
      append_copy_null(f);
    }
    f.push_back('\n');
    ++out.fingerprint_rows;
  }
  for (const auto& l : labels) {
    std::string& t = out.service_labels;
    append_key(t);
    append_copy_text(t, l.id);
    t.push_back('\t');
    t.append(l.severity);
    t.push_back('\n');
    ++out.label_rows;
  }
  return EncodedRecord{ServiceKey::of(ip, static_cast<std::uint16_t>(**port), *transport == "udp"), *seen_at};
}

}  // namespace fumidai::db
