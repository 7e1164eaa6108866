#include "fumidai/db/DatabaseSummary.h"

#include <pqxx/pqxx>

namespace fumidai::db {

Result<std::vector<std::pair<std::string, long long>>> table_counts(Session& session) {
  return guarded("counting rows", [&] {
    std::vector<std::pair<std::string, long long>> counts;
    pqxx::read_transaction tx(session.connection());
    for (const char* table : {"scans", "services", "hosts", "attribution_imports"}) {
      counts.emplace_back(table, tx.exec1(std::string("SELECT count(*) FROM ") + table)[0].as<long long>());
    }
    return counts;
  });
}

}  // namespace fumidai::db
