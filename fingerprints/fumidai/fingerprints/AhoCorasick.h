#pragma once
// A multi-literal matcher (Aho–Corasick, compiled to a dense DFA over byte
// classes) that finds every occurrence of a fixed set of literals in one pass,
// ignoring ASCII case.
//
// Contract: immutable after build(); scan() is thread-safe and allocates
// nothing. Memory: states × byte classes × 4 bytes, with states at most the
// literals' total length + 1; build() refuses sets past kMaxTableEntries.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/core/Error.h"

namespace fumidai::fingerprints {

class AhoCorasick {
 public:
  // 16 Mi entries: 64 MiB of transitions, far more than any rule database.
  static constexpr std::size_t kMaxTableEntries = std::size_t{16} << 20;

  // Literal i gets id i. Literals must be non-empty; case is folded (ASCII).
  static Result<AhoCorasick> build(const std::vector<std::string>& literals);

  // Calls on_match(id) at every end position of every literal in `text`
  // (a literal found twice is reported twice).
  template <class F>
  void scan(std::string_view text, F&& on_match) const {
    std::uint32_t state = 0;
    for (const char c : text) {
      state = next_[static_cast<std::size_t>(state) * classes_ + byte_class_[static_cast<unsigned char>(c)]];
      for (std::uint32_t i = output_begin_[state]; i < output_begin_[state + 1]; ++i) on_match(outputs_[i]);
    }
  }

  std::size_t state_count() const { return output_begin_.empty() ? 0 : output_begin_.size() - 1; }
  std::size_t memory_bytes() const;

 private:
  std::array<std::uint8_t, 256> byte_class_{};  // after case folding; 0 = in no literal
  std::size_t classes_ = 1;
  std::vector<std::uint32_t> next_;  // state × class → state
  // Literals ending at each state (its own and those of its suffix states):
  // outputs_[output_begin_[s] .. output_begin_[s+1]).
  std::vector<std::uint32_t> output_begin_;
  std::vector<std::uint32_t> outputs_;
};

}  // namespace fumidai::fingerprints
