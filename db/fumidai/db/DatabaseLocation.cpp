#include "fumidai/db/DatabaseLocation.h"

#include <cstdlib>
#include <fmt/format.h>

#include "fumidai/db/EmbeddedCluster.h"
#include "fumidai/db/Session.h"

namespace fumidai::db {

std::filesystem::path state_directory() {
  const char* configured = std::getenv("FUMIDAI_STATE_DIR");
  std::filesystem::path dir = configured != nullptr && *configured != '\0' ? configured : "state";
  std::error_code ec;
  auto absolute = std::filesystem::absolute(dir, ec);
  return ec ? dir : absolute.lexically_normal();
}

Result<DatabaseLocation> locate_database(const std::optional<std::string>& flag) {
  auto checked = [](std::string conninfo, std::string source) -> Result<DatabaseLocation> {
    if (conninfo.empty()) return make_input_error(fmt::format("{}: empty database URL", source));
    if (auto valid = validate_conninfo(conninfo); !valid) {
      return make_input_error(fmt::format("{}: {}", source, valid.error().message));
    }
    return DatabaseLocation{std::move(conninfo), std::nullopt, std::move(source)};
  };
  if (flag) return checked(*flag, "--db");
  if (const char* env = std::getenv("FUMIDAI_DATABASE_URL"); env != nullptr) {
    return checked(env, "FUMIDAI_DATABASE_URL");
  }
  const EmbeddedCluster cluster(state_directory() / "pg");
  return DatabaseLocation{cluster.conninfo(), cluster.directory(), "embedded"};
}

}  // namespace fumidai::db
