#include "fumidai/scanner/order/FeistelPermutation.h"

#include <cassert>
#include <cmath>

namespace fumidai::scanner {
namespace {

std::uint64_t mix64(std::uint64_t x) {
  // splitmix64's finalizer: full avalanche, a few cycles.
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

std::uint64_t isqrt(std::uint64_t n) {
  auto r = static_cast<std::uint64_t>(std::sqrt(static_cast<double>(n)));
  while (r * r > n) --r;
  while ((r + 1) * (r + 1) <= n) ++r;
  return r;
}

}  // namespace

FeistelPermutation::FeistelPermutation(std::uint64_t n, std::uint64_t seed) : n_(n) {
  assert(n > 0 && n <= (std::uint64_t{1} << 48));
  // a ≈ sqrt(n), b = ceil(n/a): a×b - n < a + b keeps cycle-walking short.
  a_ = isqrt(n) > 0 ? isqrt(n) : 1;
  b_ = (n + a_ - 1) / a_;
  std::uint64_t state = seed;
  for (auto& key : round_keys_) {
    state += 0x9e3779b97f4a7c15ULL;
    key = mix64(state);
  }
}

std::uint64_t FeistelPermutation::encrypt(std::uint64_t m) const {
  std::uint64_t left = m % a_;
  std::uint64_t right = m / a_;
  for (int round = 0; round < kRounds; ++round) {
    // Odd rounds (1-based) work modulo a, even ones modulo b; `left` is always
    // already reduced by the same modulus, so one conditional subtract suffices.
    const std::uint64_t modulus = (round % 2 == 0) ? a_ : b_;
    std::uint64_t next = left + mix64(right ^ round_keys_[static_cast<std::size_t>(round)]) % modulus;
    if (next >= modulus) next -= modulus;
    left = right;
    right = next;
  }
  return a_ * right + left;  // kRounds is even: left < a, right < b
}

std::uint64_t FeistelPermutation::permute(std::uint64_t index) const {
  std::uint64_t value = encrypt(index);
  while (value >= n_) value = encrypt(value);  // cycle-walk back into [0, n)
  return value;
}

}  // namespace fumidai::scanner
