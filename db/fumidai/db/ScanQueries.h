#pragma once
// GET /v1/scans and /v1/scans/{id}: the scans, newest first by id, a page at
// a time (keyset on the id, opaque cursor), and one scan. Global counts
// (rows ingested, targets) are for unrestricted callers only: the handler
// leaves them out for a constituency.
// Contract: borrows the Session, which must outlive it; one thread at a time.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/db/Session.h"

namespace fumidai::db {

struct ScanInfo {
  std::int64_t id = 0;
  std::string name;
  std::chrono::system_clock::time_point started;
  std::optional<std::chrono::system_clock::time_point> finished;
  std::optional<std::chrono::system_clock::time_point> finalized;
  std::vector<std::int64_t> ports;
  std::vector<std::int64_t> udp_ports;
  std::string target_summary;
  std::string tool_version;
  std::int64_t rows_ingested = 0;
};

struct ScanPage {
  std::vector<ScanInfo> items;
  std::string next_cursor;  // empty on the last page
};

class ScanQueries {
 public:
  static constexpr int kMaxLimit = 1000;

  explicit ScanQueries(Session& session) : session_(session) {}
  // A bad cursor or limit is an input error.
  Result<ScanPage> list(const std::string& cursor, int limit);
  // nullopt: no such scan.
  Result<std::optional<ScanInfo>> get(std::int64_t id);

 private:
  Session& session_;
};

}  // namespace fumidai::db
