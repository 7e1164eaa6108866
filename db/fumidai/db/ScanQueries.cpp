#include "fumidai/db/ScanQueries.h"

#include <fmt/format.h>

#include <limits>
#include <pqxx/pqxx>

#include "fumidai/db/PageCursor.h"
#include "fumidai/db/PreparedCall.h"

namespace fumidai::db {
namespace {

const std::string kColumns =
    "SELECT id, name, epoch_us(started), epoch_us(finished), epoch_us(finalized), ports, udp_ports, target_summary, "
    "       tool_version, rows_ingested FROM scans ";
const std::string kList = kColumns + "WHERE id < $1 ORDER BY id DESC LIMIT $2";
const std::string kOne = kColumns + "WHERE id = $1";

std::optional<std::chrono::system_clock::time_point> optional_time(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return detail::from_micros(f.as<long long>());
}

ScanInfo scan_info(const pqxx::row& r) {
  return ScanInfo{r[0].as<std::int64_t>(), r[1].as<std::string>(), detail::from_micros(r[2].as<long long>()),
                  optional_time(r[3]),     optional_time(r[4]),    detail::int_array(r[5]),
                  detail::int_array(r[6]), r[7].as<std::string>(), r[8].as<std::string>(),
                  r[9].as<std::int64_t>()};
}

void prepare_scan_queries(pqxx::connection_base& c) {
  c.prepare("fumidai_api_scans", kList);
  c.prepare("fumidai_api_scan", kOne);
}

}  // namespace

Result<ScanPage> ScanQueries::list(const std::string& cursor, int limit) {
  if (limit < 1 || limit > kMaxLimit) {
    return make_input_error(fmt::format("limit: {} is outside 1..{}", limit, kMaxLimit));
  }
  std::int64_t before = std::numeric_limits<std::int64_t>::max();
  if (!cursor.empty()) {
    auto key = PageCursor::decode(cursor);
    if (!key) return key.error();
    if (key->empty() || key->size() > 18 || key->find_first_not_of("0123456789") != std::string::npos) {
      return make_input_error("cursor: not a cursor this API returned");
    }
    before = std::stoll(*key);
  }
  return guarded("listing scans", [&]() -> Result<ScanPage> {
    prepare_scan_queries(session_.connection());
    pqxx::read_transaction tx(session_.connection());
    ScanPage page;
    for (const auto& r : tx.exec_prepared("fumidai_api_scans", before, limit + 1)) {
      if (static_cast<int>(page.items.size()) == limit) {
        page.next_cursor = PageCursor::encode(std::to_string(page.items.back().id));
        break;
      }
      page.items.push_back(scan_info(r));
    }
    return page;
  });
}

Result<std::optional<ScanInfo>> ScanQueries::get(std::int64_t id) {
  return guarded("reading a scan", [&]() -> Result<std::optional<ScanInfo>> {
    prepare_scan_queries(session_.connection());
    pqxx::read_transaction tx(session_.connection());
    const auto rows = tx.exec_prepared("fumidai_api_scan", id);
    if (rows.empty()) return std::optional<ScanInfo>{};
    return std::optional(scan_info(rows[0]));
  });
}

}  // namespace fumidai::db
