#pragma once
// PostgreSQL array literals for bound parameters ($n::text[], $n::cidr[],
// $n::bigint[]): text elements are quoted and escaped, so any value is data.
// Contract: pure functions.
#include <concepts>
#include <string>
#include <vector>

namespace fumidai::db {

std::string sql_array(const std::vector<std::string>& values);

template <std::integral T>
std::string sql_array(const std::vector<T>& values) {
  std::string out = "{";
  for (const auto v : values) {
    if (out.size() > 1) out += ',';
    out += std::to_string(v);
  }
  return out + "}";
}

}  // namespace fumidai::db
