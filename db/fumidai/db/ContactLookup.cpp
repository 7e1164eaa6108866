#include "fumidai/db/ContactLookup.h"

#include <fmt/format.h>

#include <boost/asio/ip/address.hpp>
#include <pqxx/pqxx>

#include "fumidai/db/SqlArray.h"

namespace fumidai::db {
namespace {

// One statement's worth: a campaign over a large selection asks for tens of
// thousands of hosts, in calls of this size.
constexpr std::size_t kMaxQueries = 100'000;

}  // namespace

ContactLookup::ContactLookup(Session& session) : session_(session) {}

Result<std::map<std::string, std::string>> ContactLookup::abuse_contacts(const std::vector<ContactQuery>& queries) {
  if (queries.size() > kMaxQueries) {
    return make_input_error(fmt::format("{} addresses: at most {} per lookup", queries.size(), kMaxQueries));
  }
  std::vector<std::string> ips;
  std::vector<std::string> asns;
  ips.reserve(queries.size());
  asns.reserve(queries.size());
  for (const auto& q : queries) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(q.ip, ec);
    if (ec) return make_input_error(fmt::format("bad address {:?}", q.ip.substr(0, 64)));
    ips.push_back(q.ip);
    asns.push_back(q.asn ? std::to_string(*q.asn) : "NULL");
  }
  std::map<std::string, std::string> out;
  if (queries.empty()) return out;
  return guarded("looking up abuse contacts", [&]() -> Result<std::map<std::string, std::string>> {
    pqxx::read_transaction tx(session_.connection());
    // abuse_contacts_for() per address (0003: the most specific prefix's
    // contacts, else the AS's), from the abuse import in force now.
    std::string asn_array = "{";
    for (const auto& asn : asns) asn_array += (asn_array.size() > 1 ? "," : "") + asn;
    asn_array += "}";
    const auto rows = tx.exec_params(
        "SELECT q.ip, (SELECT min(a.email) FROM abuse_contacts_for(q.ip::inet, q.asn, now()) a) "
        "FROM unnest($1::text[], $2::bigint[]) AS q (ip, asn)",
        sql_array(ips), asn_array);
    for (const auto& r : rows) {
      if (!r[1].is_null()) out.emplace(r[0].as<std::string>(), r[1].as<std::string>());
    }
    return out;
  });
}

}  // namespace fumidai::db
