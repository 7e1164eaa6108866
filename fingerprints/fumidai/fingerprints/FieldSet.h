#pragma once
// The named string fields a rule condition can test (fingerprints/README.md
// lists them), taken from one service record. A field may hold several values
// (a list in the record); an absent or empty field holds none.
//
// Contract: a plain value, built once per record and read by every rule
// source; not thread-safe to modify, safe to read from many threads.
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fumidai::fingerprints {

class FieldSet {
 public:
  // Empty values are not stored: "absent" and "empty" are one state.
  void add(std::string_view name, std::string value);
  std::span<const std::string> values(std::string_view name) const;
  bool has(std::string_view name) const { return !values(name).empty(); }
  // Every (name, values) pair, in the order names were first added.
  const std::vector<std::pair<std::string, std::vector<std::string>>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, std::vector<std::string>>> entries_;
};

}  // namespace fumidai::fingerprints
