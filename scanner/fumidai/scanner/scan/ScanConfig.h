#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fumidai/scanner/net/RouteResolver.h"
#include "fumidai/scanner/target/IntervalSet.h"
#include "fumidai/scanner/udp/UdpPayloadProfile.h"

namespace fumidai::scanner {

// Everything one stage-1 scan needs, already validated by the CLI.
struct ScanConfig {
  IntervalSet targets;
  IntervalSet blocklist;
  std::vector<std::uint16_t> ports;      // TCP
  std::vector<std::uint16_t> udp_ports;  // at least one of the two is not empty
  // The payload of each UDP port's probe; set when udp_ports is not empty.
  std::shared_ptr<const UdpPayloadProfile> udp_payloads;
  double rate_pps = 0;  // 0: unlimited
  NetworkOverrides network;
  std::optional<std::uint64_t> seed;
  std::uint32_t shards = 1;
  std::uint32_t shard = 0;
  std::uint32_t sender_threads = 1;
  std::uint32_t probes = 1;
  double cooldown_seconds = 8;
  std::uint16_t source_port_first = 32768;
  std::uint16_t source_port_last = 61000;
  std::optional<std::string> resume_path;
  std::optional<std::string> metadata_path;
  bool report_closed = false;
  bool quiet = false;
  // Backpressure from whoever consumes the results (scan --grab): senders
  // wait while it returns true. Called from the sender threads.
  std::function<bool()> hold_sending;
};

}  // namespace fumidai::scanner
