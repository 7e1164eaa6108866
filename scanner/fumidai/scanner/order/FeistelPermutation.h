#pragma once
// A keyed pseudo-random permutation of [0, n), for scanning order.
// Construction: Black & Rogaway's generalized Feistel over a domain a×b >= n
// (masscan's approach), with cycle-walking for values >= n. Unlike ZMap's
// cyclic group it needs no primes, works for any n, and the same index drives
// sharding and resume.
// Contract: immutable; permute() is pure and thread-safe.
#include <array>
#include <cstdint>

namespace fumidai::scanner {

class FeistelPermutation {
 public:
  FeistelPermutation(std::uint64_t n, std::uint64_t seed);
  std::uint64_t size() const { return n_; }
  std::uint64_t permute(std::uint64_t index) const;

 private:
  static constexpr int kRounds = 6;
  std::uint64_t encrypt(std::uint64_t m) const;

  std::uint64_t n_;
  std::uint64_t a_;
  std::uint64_t b_;
  std::array<std::uint64_t, kRounds> round_keys_{};
};

}  // namespace fumidai::scanner
