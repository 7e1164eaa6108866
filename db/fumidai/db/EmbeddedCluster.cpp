#include "fumidai/db/EmbeddedCluster.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>
#include <fstream>
#include <pqxx/pqxx>

#include "fumidai/core/Subprocess.h"
#include "fumidai/db/Session.h"

namespace fumidai::db {
namespace {

constexpr const char* kServerUser = "postgres";

// A libpq connection-string value, quoted.
std::string quoted(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// Settings for a local scan store: bulk COPY wants room for WAL between
// checkpoints, and the socket is for this machine's root and the server's
// owner only.
std::string configuration(const std::filesystem::path& socket_directory) {
  return fmt::format(
      "# Written by fumidai db up.\n"
      "listen_addresses = ''\n"
      "unix_socket_directories = {}\n"
      "unix_socket_permissions = 0700\n"
      "port = 5432\n"
      "shared_buffers = 256MB\n"
      "work_mem = 32MB\n"
      "maintenance_work_mem = 256MB\n"
      "max_wal_size = 4GB\n"
      "checkpoint_timeout = 15min\n"
      "log_line_prefix = '%m [%p] '\n",
      quoted(socket_directory.string()));
}

}  // namespace

EmbeddedCluster::EmbeddedCluster(std::filesystem::path directory) : directory_(std::move(directory)) {}

std::string EmbeddedCluster::conninfo() const {
  return fmt::format("host={} port=5432 dbname={} user={}", quoted((directory_ / "run").string()), kDatabase, kRole);
}

std::string EmbeddedCluster::maintenance_conninfo() const {
  return fmt::format("host={} port=5432 dbname=postgres user={}", quoted((directory_ / "run").string()), kRole);
}

Result<std::filesystem::path> EmbeddedCluster::binary(const std::string& name) const {
  std::filesystem::path bin;
  if (const char* configured = std::getenv("FUMIDAI_PG_BIN"); configured != nullptr && *configured != '\0') {
    bin = configured;
  } else {
    std::vector<std::filesystem::path> candidates;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
      if (std::filesystem::exists(entry.path() / "bin" / "initdb")) candidates.push_back(entry.path() / "bin");
    }
    // Newest major version first (numerically: 15 before 9).
    std::sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
      return std::atoi(a.parent_path().filename().c_str()) > std::atoi(b.parent_path().filename().c_str());
    });
    if (candidates.empty()) {
      return make_error(
          "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (install postgresql-15, or set "
          "FUMIDAI_PG_BIN, or point --db / FUMIDAI_DATABASE_URL at a server)");
    }
    bin = candidates.front();
  }
  auto path = bin / name;
  if (access(path.c_str(), X_OK) != 0) return make_error(fmt::format("{} is not an executable", path.string()));
  return path;
}

Result<std::string> EmbeddedCluster::run_as_owner(std::vector<std::string> argv, const std::string& what) const {
  if (geteuid() == 0) argv.insert(argv.begin(), {"runuser", "-u", kServerUser, "--"});
  auto result = run_subprocess(argv);
  if (!result) return result.error();
  if (result->exit_code != 0) {
    return make_error(fmt::format("{} failed (exit {}): {}", what, result->exit_code, last_line(result->output)));
  }
  return std::move(result->output);
}

Result<> EmbeddedCluster::prepare_directories() const {
  std::error_code ec;
  for (const auto& dir : {directory_, directory_ / "run"}) {
    std::filesystem::create_directories(dir, ec);
    if (ec) return make_error(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  }
  if (geteuid() != 0) return {};
  const passwd* owner = getpwnam(kServerUser);
  if (owner == nullptr) {
    return make_error("running as root, the embedded PostgreSQL needs the `postgres` user (install postgresql-15)");
  }
  for (const auto& dir : {directory_, directory_ / "run"}) {
    if (chown(dir.c_str(), owner->pw_uid, owner->pw_gid) != 0) {
      return make_error(fmt::format("cannot give {} to user postgres: {}", dir.string(), std::strerror(errno)));
    }
  }
  // Every parent must be searchable by postgres, or initdb fails with a
  // message about a path the user never named.
  auto probe = run_subprocess({"runuser", "-u", kServerUser, "--", "test", "-w", directory_.string()});
  if (!probe || probe->exit_code != 0) {
    return make_error(fmt::format(
        "user postgres cannot write {} (is a parent directory closed to other users?); set FUMIDAI_STATE_DIR to a "
        "directory it can reach",
        directory_.string()));
  }
  return {};
}

Result<> EmbeddedCluster::initialise() const {
  auto initdb = binary("initdb");
  if (!initdb) return initdb.error();
  const auto data = directory_ / "data";
  // trust on the Unix socket only: the socket's directory and mode admit
  // nobody but root and the server's owner.
  auto made = run_as_owner({initdb->string(), "-D", data.string(), "-U", kRole, "-A", "trust", "-E", "UTF8",
                            "--locale=C.UTF-8"},
                           "initdb");
  if (!made) return made.error();
  const auto conf = data / "fumidai.conf";
  {
    std::ofstream out(conf);
    out << configuration(directory_ / "run");
    if (!out) return make_error(fmt::format("cannot write {}", conf.string()));
  }
  std::ofstream main_conf(data / "postgresql.conf", std::ios::app);
  main_conf << "\ninclude 'fumidai.conf'\n";
  if (!main_conf) return make_error(fmt::format("cannot write {}", (data / "postgresql.conf").string()));
  main_conf.close();
  if (geteuid() == 0) {
    if (const passwd* owner = getpwnam(kServerUser); owner == nullptr || chown(conf.c_str(), owner->pw_uid, owner->pw_gid) != 0) {
      return make_error(fmt::format("cannot give {} to user postgres", conf.string()));
    }
  }
  return {};
}

Result<ClusterStatus> EmbeddedCluster::status() const {
  ClusterStatus status;
  const auto data = directory_ / "data";
  status.initialised = std::filesystem::exists(data / "PG_VERSION");
  if (!status.initialised) return status;
  auto pg_ctl = binary("pg_ctl");
  if (!pg_ctl) return pg_ctl.error();
  std::vector<std::string> argv{pg_ctl->string(), "-D", data.string(), "status"};
  if (geteuid() == 0) argv.insert(argv.begin(), {"runuser", "-u", kServerUser, "--"});
  auto result = run_subprocess(argv);
  if (!result) return result.error();
  // pg_ctl status: 0 running, 3 not running, 4 no accessible data directory.
  status.running = result->exit_code == 0;
  if (status.running) {
    if (const auto at = result->output.find("PID: "); at != std::string::npos) {
      status.pid = std::strtol(result->output.c_str() + at + 5, nullptr, 10);
    }
  }
  return status;
}

Result<> EmbeddedCluster::up() const {
  if (auto prepared = prepare_directories(); !prepared) return prepared.error();
  auto current = status();
  if (!current) return current.error();
  if (!current->initialised) {
    if (auto made = initialise(); !made) return made.error();
  }
  if (!current->running) {
    auto pg_ctl = binary("pg_ctl");
    if (!pg_ctl) return pg_ctl.error();
    auto started = run_as_owner({pg_ctl->string(), "-D", (directory_ / "data").string(), "-l",
                                 (directory_ / "postgresql.log").string(), "-w", "-t", "120", "start"},
                                fmt::format("starting PostgreSQL (see {})", (directory_ / "postgresql.log").string()));
    if (!started) return started.error();
  }
  auto session = Session::open(maintenance_conninfo());
  if (!session) return session.error();
  return guarded("creating database fumidai", [&] {
    pqxx::nontransaction tx(session->connection());
    if (tx.exec_params("SELECT 1 FROM pg_database WHERE datname = $1", kDatabase).empty()) {
      tx.exec(fmt::format("CREATE DATABASE {}", kDatabase));
    }
  });
}

Result<> EmbeddedCluster::down() const {
  auto current = status();
  if (!current) return current.error();
  if (!current->running) return {};
  auto pg_ctl = binary("pg_ctl");
  if (!pg_ctl) return pg_ctl.error();
  auto stopped = run_as_owner({pg_ctl->string(), "-D", (directory_ / "data").string(), "-m", "fast", "-w", "stop"},
                              "stopping PostgreSQL");
  if (!stopped) return stopped.error();
  return {};
}

}  // namespace fumidai::db
