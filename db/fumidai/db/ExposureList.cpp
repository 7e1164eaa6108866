#include "fumidai/db/ExposureList.h"

#include <fmt/format.h>

#include <boost/asio/ip/address.hpp>
#include <pqxx/pqxx>

#include "fumidai/db/ExposureRows.h"
#include "fumidai/db/PageCursor.h"
#include "fumidai/db/PreparedCall.h"

namespace fumidai::db {
namespace {

constexpr const char* kStatement = "fumidai_api_exposures";

// A cursor's key: "ip port transport".
struct Key {
  std::string ip;
  int port = 0;
  std::string transport;
};

Result<Key> decode_key(const std::string& cursor) {
  auto text = PageCursor::decode(cursor);
  if (!text) return text.error();
  const Error bad = make_input_error("cursor: not a cursor this API returned");
  const auto first = text->find(' ');
  const auto second = first == std::string::npos ? first : text->find(' ', first + 1);
  if (second == std::string::npos) return bad;
  Key key{text->substr(0, first), 0, text->substr(second + 1)};
  boost::system::error_code error;
  boost::asio::ip::make_address(key.ip, error);
  if (error || (key.transport != "tcp" && key.transport != "udp")) return bad;
  const std::string port = text->substr(first + 1, second - first - 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return bad;
  key.port = std::stoi(port);
  if (key.port > 65535) return bad;
  return key;
}

const std::string& page_sql() {
  static const std::string sql = detail::exposure_select_sql() +
                                 " AND (hs.ip, hs.port, hs.transport) > ($18::inet, $19::integer, $20::text)"
                                 " ORDER BY hs.ip, hs.port, hs.transport LIMIT $21";
  return sql;
}

}  // namespace

Result<ExposurePage> ExposureList::page(const ExposurePageRequest& request) {
  if (request.limit < 1 || request.limit > kMaxLimit) {
    return make_input_error(fmt::format("limit: {} is outside 1..{}", request.limit, kMaxLimit));
  }
  Key after{"0.0.0.0", -1, ""};  // before every row (IPv4 sorts before IPv6)
  if (!request.cursor.empty()) {
    auto key = decode_key(request.cursor);
    if (!key) return key.error();
    after = *key;
  }
  auto parameters = FilterClause::parameters(request.filter, request.scope);
  if (!parameters) return parameters.error();
  parameters->push_back(after.ip);
  parameters->push_back(std::to_string(after.port));
  parameters->push_back(after.transport);
  // One row more than the page says whether another page follows.
  parameters->push_back(std::to_string(request.limit + 1));
  return guarded("listing exposures", [&]() -> Result<ExposurePage> {
    session_.connection().prepare(kStatement, page_sql());
    pqxx::read_transaction tx(session_.connection());
    detail::begin_filtered_read(tx);
    ExposurePage page;
    for (const auto& row : detail::exec_prepared(tx, kStatement, *parameters)) {
      if (static_cast<int>(page.items.size()) == request.limit) {
        const auto& last = page.items.back();
        page.next_cursor = PageCursor::encode(fmt::format("{} {} {}", last.ip, last.port, last.transport));
        break;
      }
      page.items.push_back(detail::exposure_item(row));
    }
    return page;
  });
}

}  // namespace fumidai::db
