#include "fumidai/db/Migrator.h"

#include <openssl/evp.h>

#include <fmt/format.h>
#include <pqxx/pqxx>

namespace fumidai::db {
namespace {

// Any fixed number; pg_advisory_xact_lock serialises concurrent migrators.
constexpr long long kMigrationLock = 0x66756d6964616931;  // "fumidai1"

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned int i = 0; i < length; ++i) out += fmt::format("{:02x}", digest[i]);
  return out;
}

constexpr const char* kCreateLedger =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version integer PRIMARY KEY, name text NOT NULL, sha256 text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now())";

}  // namespace

int latest_schema_version() {
  const auto& all = builtin_migrations();
  return all.empty() ? 0 : all.back().version;
}

Result<int> schema_version(Session& session) {
  return guarded("reading the schema version", [&]() -> int {
    pqxx::nontransaction tx(session.connection());
    if (tx.exec1("SELECT to_regclass('schema_migrations') IS NULL")[0].as<bool>()) return 0;
    return tx.exec1("SELECT coalesce(max(version), 0) FROM schema_migrations")[0].as<int>();
  });
}

Result<MigrationReport> migrate(Session& session, const std::vector<Migration>& migrations) {
  MigrationReport report;
  const int known = migrations.empty() ? 0 : migrations.back().version;
  for (const auto& migration : migrations) {
    auto step = guarded(fmt::format("applying migration {}", migration.name), [&]() -> Result<bool> {
      pqxx::work tx(session.connection());
      tx.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLock);
      tx.exec(kCreateLedger);
      const int current = tx.exec1("SELECT coalesce(max(version), 0) FROM schema_migrations")[0].as<int>();
      if (current > known) {
        return make_error(fmt::format("the database's schema is version {}, newer than this binary's {}: upgrade fumidai",
                                      current, known));
      }
      if (report.to_version == 0) report.from_version = current;
      const auto applied = tx.exec_params("SELECT sha256 FROM schema_migrations WHERE version = $1", migration.version);
      if (!applied.empty()) {
        if (applied[0][0].as<std::string>() != sha256_hex(migration.sql)) {
          return make_error(fmt::format("migration {} was applied from a different file than this binary's; the "
                                        "schema cannot be trusted",
                                        migration.name));
        }
        tx.commit();
        return false;
      }
      tx.exec(std::string(migration.sql));
      tx.exec_params("INSERT INTO schema_migrations (version, name, sha256) VALUES ($1, $2, $3)", migration.version,
                     migration.name, sha256_hex(migration.sql));
      tx.commit();
      return true;
    });
    if (!step) return step.error();
    if (*step) report.applied.push_back(migration.name);
    report.to_version = migration.version;
  }
  if (migrations.empty()) {
    auto version = schema_version(session);
    if (!version) return version.error();
    report.from_version = report.to_version = *version;
  }
  return report;
}

Result<> require_current_schema(Session& session) {
  auto version = schema_version(session);
  if (!version) return version.error();
  const int known = latest_schema_version();
  if (*version > known) {
    return make_error(
        fmt::format("the database's schema is version {}, newer than this binary's {}: upgrade fumidai", *version, known));
  }
  if (*version < known) {
    return make_error(fmt::format("the database's schema is version {}, this binary needs {}: run `fumidai db migrate`",
                                  *version, known));
  }
  return {};
}

Result<Session> open_current(const std::string& conninfo) {
  auto session = Session::open(conninfo);
  if (!session) return session.error();
  if (auto current = require_current_schema(*session); !current) return current.error();
  return session;
}

}  // namespace fumidai::db
