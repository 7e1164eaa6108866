#include "fumidai/db/ContactLookup.h"

#include <fmt/format.h>

#include <boost/asio/ip/address.hpp>
#include <pqxx/pqxx>

#include "fumidai/db/SqlArray.h"

namespace fumidai::db {
namespace {

// A campaign's selection may hold up to a million exposures (campaigns/),
// one query each; addresses repeat (a host with several ports), so they are
// looked up once, in statements of kBatch addresses.
constexpr std::size_t kMaxQueries = 1'000'000;
constexpr std::size_t kBatch = 50'000;

}  // namespace

ContactLookup::ContactLookup(Session& session) : session_(session) {}

Result<std::map<std::string, std::string>> ContactLookup::abuse_contacts(const std::vector<ContactQuery>& queries) {
  if (queries.size() > kMaxQueries) {
    return make_input_error(fmt::format("{} addresses: at most {} per lookup", queries.size(), kMaxQueries));
  }
  // The first ASN given for an address is the one used.
  std::map<std::string, std::optional<std::int64_t>> distinct;
  for (const auto& q : queries) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(q.ip, ec);
    if (ec) return make_input_error(fmt::format("bad address {:?}", q.ip.substr(0, 64)));
    distinct.emplace(q.ip, q.asn);
  }
  return guarded("looking up abuse contacts", [&]() -> Result<std::map<std::string, std::string>> {
    pqxx::read_transaction tx(session_.connection());
    std::map<std::string, std::string> out;
    std::vector<std::string> ips;
    std::string asns;
    const auto flush = [&] {
      if (ips.empty()) return;
      // abuse_contacts_for() per address (0003: the most specific prefix's
      // contacts, else the AS's), from the abuse import in force now.
      const auto rows = tx.exec_params(
          "SELECT q.ip, (SELECT min(a.email) FROM abuse_contacts_for(q.ip::inet, q.asn, now()) a) "
          "FROM unnest($1::text[], $2::bigint[]) AS q (ip, asn)",
          sql_array(ips), "{" + asns + "}");
      for (const auto& r : rows) {
        if (!r[1].is_null()) out.emplace(r[0].as<std::string>(), r[1].as<std::string>());
      }
      ips.clear();
      asns.clear();
    };
    for (const auto& [ip, asn] : distinct) {
      if (!asns.empty()) asns += ',';
      asns += asn ? std::to_string(*asn) : "NULL";
      ips.push_back(ip);
      if (ips.size() == kBatch) flush();
    }
    flush();
    return out;
  });
}

}  // namespace fumidai::db
