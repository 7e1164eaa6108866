#include "fumidai/db/Ping.h"

#include <pqxx/pqxx>

namespace fumidai::db {

Result<> ping(Session& session) {
  return guarded("asking the database server (SELECT 1)", [&] {
    pqxx::nontransaction tx(session.connection());
    tx.exec1("SELECT 1");
  });
}

}  // namespace fumidai::db
