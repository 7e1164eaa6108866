#pragma once
// The (address × port) index space a scan walks. Index i maps to address
// number i % addresses and port number i / addresses, so a permutation over
// [0, size()) covers every (address, port) pair exactly once. The ports are
// the TCP ones, then the UDP ones: one scan may probe both.
// Contract: immutable after construction; safe to share across threads.
#include <cstdint>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/scanner/target/IntervalSet.h"
#include "fumidai/scanner/target/Transport.h"

namespace fumidai::scanner {

struct TargetPort {
  std::uint16_t port;
  Transport transport;
};

struct Target {
  std::uint32_t address;
  std::uint16_t port;
  Transport transport;
};

class TargetSpace {
 public:
  // Fails when the blocklist removes every requested address, or when there
  // is no port of either transport.
  static Result<TargetSpace> create(const IntervalSet& requested, const IntervalSet& blocklist,
                                    const std::vector<std::uint16_t>& tcp_ports,
                                    const std::vector<std::uint16_t>& udp_ports = {});

  std::uint64_t size() const { return address_count_ * ports_.size(); }
  std::uint64_t address_count() const { return address_count_; }
  std::uint64_t blocklisted_count() const { return blocklisted_; }
  const std::vector<TargetPort>& ports() const { return ports_; }
  const IntervalSet& addresses() const { return addresses_; }
  Target at(std::uint64_t index) const;

 private:
  IntervalSet addresses_;
  std::vector<std::uint64_t> starts_;  // starts_[k]: index of intervals()[k].first
  std::vector<TargetPort> ports_;
  std::uint64_t address_count_ = 0;
  std::uint64_t blocklisted_ = 0;
};

}  // namespace fumidai::scanner
