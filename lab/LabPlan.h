#pragma once
// The lab's ground truth: which addresses of the lab prefix are live hosts and
// which of the lab ports each one has open. Sampling uses splitmix64 and exact
// floating-point steps (no std distributions), so one seed gives the same plan
// on every machine; tests compare scan results against it. The nftables ruleset that makes the lab
// network answer exactly this way is rendered from the same plan.
// Contract: value type, pure (no I/O except write_files).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "fumidai/core/Error.h"

namespace fumidai::lab {

class LabPlan {
 public:
  // Explicit limits: a lab is a test fixture, not an Internet. Both the
  // ground-truth file and the nftables sets grow with these.
  static constexpr unsigned kWidestPrefixLength = 12;
  static constexpr std::size_t kMaxPorts = 256;
  static constexpr std::size_t kMaxGroundTruthRows = std::size_t{1} << 20;

  // Parameters as the user typed them; parse() validates them.
  struct Options {
    std::string prefix = "198.18.0.0/16";
    std::string seed = "1";
    std::string density = "0.05";
    std::string open_probability = "0.3";
    std::string ports = "21,22,23,80,443,1723,7547,8080";
  };

  struct Parameters {
    std::uint32_t network = 0;  // host byte order, host bits zero
    unsigned prefix_length = 0;
    std::uint64_t seed = 0;
    double density = 0;
    double open_probability = 0;
    std::vector<std::uint16_t> ports;  // sorted, unique
    std::string prefix_text() const;   // "198.18.0.0/16"
    std::string ports_text() const;    // "21,22,80"
  };

  struct Host {
    std::uint32_t address = 0;
    std::vector<std::uint16_t> open_ports;  // sorted, never empty
  };

  // Errors name the offending value in one line.
  static Result<Parameters> parse(const Options& options);
  // `parameters` come from parse(). Fails only when the sample exceeds
  // kMaxGroundTruthRows.
  static Result<LabPlan> sample(const Parameters& parameters);

  const Parameters& parameters() const { return parameters_; }
  const std::vector<Host>& live_hosts() const { return live_hosts_; }  // sorted by address
  std::size_t open_count() const { return open_count_; }

  // `ip,port,state` rows, one per live host and lab port, sorted by address
  // (numerically) then port; state is `open` or `closed`.
  void write_ground_truth(std::ostream& out) const;
  // One `table ip fumidai_lab`, for `nft -f` inside the inet namespace.
  void write_nft_ruleset(std::ostream& out) const;
  // dir/ground-truth.csv and dir/lab.nft; dir must exist.
  Result<> write_files(const std::filesystem::path& dir) const;

 private:
  LabPlan(Parameters parameters, std::vector<Host> live_hosts, std::size_t open_count)
      : parameters_(std::move(parameters)), live_hosts_(std::move(live_hosts)), open_count_(open_count) {}

  Parameters parameters_;
  std::vector<Host> live_hosts_;
  std::size_t open_count_;
};

}  // namespace fumidai::lab
