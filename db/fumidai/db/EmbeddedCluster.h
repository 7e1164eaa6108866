#pragma once
// The project-local PostgreSQL that `fumidai db up` makes when no database is
// configured: Debian's server binaries ($FUMIDAI_PG_BIN, default the newest
// /usr/lib/postgresql/*/bin), a data directory DIR/data, a Unix socket in
// DIR/run (no TCP listener), a log in DIR/postgresql.log. PostgreSQL refuses
// to run as root, so under root the server runs as the `postgres` user
// (runuser) and DIR belongs to it; otherwise as the caller.
// Contract: blocking calls, for the CLI; no state beyond the directory, so
// any number of processes may hold an EmbeddedCluster for the same DIR.
#include <filesystem>
#include <optional>
#include <string>

#include "fumidai/core/Error.h"

namespace fumidai::db {

struct ClusterStatus {
  bool initialised = false;  // DIR/data holds a cluster
  bool running = false;
  std::optional<long> pid;
};

class EmbeddedCluster {
 public:
  static constexpr const char* kDatabase = "fumidai";
  static constexpr const char* kRole = "fumidai";

  explicit EmbeddedCluster(std::filesystem::path directory);

  // Creates the cluster if there is none, starts it if it is not running, and
  // creates the `fumidai` database. Idempotent.
  Result<> up() const;
  // Stops it (fast shutdown: sessions end, committed data stays). Stopping a
  // stopped cluster is not an error.
  Result<> down() const;
  Result<ClusterStatus> status() const;

  const std::filesystem::path& directory() const { return directory_; }
  std::string conninfo() const;
  // The same server's maintenance database (for CREATE DATABASE).
  std::string maintenance_conninfo() const;

 private:
  Result<std::filesystem::path> binary(const std::string& name) const;
  // argv run as the cluster's owner.
  Result<std::string> run_as_owner(std::vector<std::string> argv, const std::string& what) const;
  Result<> prepare_directories() const;
  Result<> initialise() const;

  std::filesystem::path directory_;
};

}  // namespace fumidai::db
