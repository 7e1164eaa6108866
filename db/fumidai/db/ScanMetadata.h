#pragma once
// What the scans row says about a scan besides its observations: where the
// values come from is the caller's business (`scan --db`: the running scan;
// `ingest`: the scanner's `-m` summary, or what the records show).
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/db/UtcTime.h"

namespace fumidai::db {

struct ScanMetadata {
  std::string uid;   // the natural key: a re-run with the same uid continues the same scan
  std::string name;
  UtcMicros started{};
  std::optional<UtcMicros> finished;  // set when the ingest ends; else the latest record's time
  std::vector<std::uint16_t> ports;      // TCP
  std::vector<std::uint16_t> udp_ports;
  // No summary named the ports: they are the ones the records show, merged
  // with what the scan row already lists.
  bool ports_from_records = false;
  std::optional<std::int64_t> rate;
  std::optional<std::uint64_t> seed;
  std::optional<std::uint32_t> shard;
  std::optional<std::uint32_t> shards;
  std::vector<std::string> targets;  // CIDRs
  std::string target_summary;
  std::string tool_version;
  boost::json::object summary;  // the scanner's end-of-scan summary, as printed
};

// Takes start, end, ports, udp_ports, rate, seed, shard, shards and the
// address count (for target_summary) from the scanner's summary (the JSON
// `fumidai scan` prints and writes to -m FILE), and keeps the summary.
// A key of the wrong type is an input error naming it; absent keys are left
// as they were, but "start" is required.
Result<> apply_scan_summary(const boost::json::object& summary, ScanMetadata& metadata);

// 32 random hex digits, for a `scan --db` run.
Result<std::string> random_scan_uid();

}  // namespace fumidai::db
