#include "fumidai/db/AuditLogWriter.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <limits>

#include "fumidai/db/CopyText.h"

namespace fumidai::db {
namespace {

constexpr const char* kCopy =
    "COPY audit_log (at, key_id, key_name, method, target, route, status, bytes, duration_us, remote, request_id) "
    "FROM STDIN";

// The length of the valid UTF-8 sequence at text[i] (no overlongs,
// surrogates or code points past U+10FFFF), or 0.
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  if (c >= 0x01 && c <= 0x7f) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return 0;
  }
  return n;
}

// Valid UTF-8 without NUL, at most kMaxFieldBytes of the input.
std::string storable(std::string_view text) {
  text = text.substr(0, AuditLogWriter::kMaxFieldBytes);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (const std::size_t n = utf8_sequence(text, i)) {
      out.append(text.substr(i, n));
      i += n;
    } else {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[i]));
      ++i;
    }
  }
  return out;
}

void append_field(std::string& out, std::string_view text) {
  append_copy_text(out, storable(text));
  out.push_back('\t');
}

// timestamptz text in UTC with microseconds.
std::string utc_text(std::int64_t wall_time_ns) {
  std::int64_t seconds = wall_time_ns / 1000000000;
  std::int64_t micros = (wall_time_ns % 1000000000) / 1000;
  if (micros < 0) {
    micros += 1000000;
    --seconds;
  }
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}+00", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, micros);
}

}  // namespace

AuditLogWriter::AuditLogWriter(std::string conninfo) : conninfo_(std::move(conninfo)) {}

void AuditLogWriter::append_row(std::string& out, const AuditRecord& r) {
  out += utc_text(r.wall_time_ns);
  out.push_back('\t');
  if (r.key_id) {
    out += fmt::format("{}", *r.key_id);
  } else {
    append_copy_null(out);
  }
  out.push_back('\t');
  append_field(out, r.key_name);
  append_field(out, r.method);
  append_field(out, r.target);
  append_field(out, r.route);
  const auto max_bigint = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  out += fmt::format("{}\t{}\t{}\t", std::min<unsigned>(r.status, 999), std::min(r.bytes, max_bigint), r.duration_us);
  append_field(out, r.remote);
  append_copy_text(out, storable(r.request_id));
  out.push_back('\n');
}

Result<> AuditLogWriter::write(const std::vector<AuditRecord>& records) {
  if (records.empty()) return {};
  if (!connection_) {
    auto opened = PgConnection::open(conninfo_);
    if (!opened) return opened.error();
    connection_.emplace(std::move(*opened));
  }
  std::string data;
  for (const auto& record : records) append_row(data, record);
  auto copied = connection_->copy_in(kCopy, data);
  if (copied) return {};
  const PgFailure& failure = copied.error();
  const std::string message = fmt::format("writing {} audit entries: {}", records.size(), failure.describe());
  if (failure.refused_data()) return make_input_error(message);
  // Anything else may have left the connection unusable: start afresh.
  connection_.reset();
  return make_error(message);
}

}  // namespace fumidai::db
