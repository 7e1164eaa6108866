#pragma once
// For code inside db/ only: runs a prepared statement with a run-time list of
// parameters (nullopt is SQL NULL), and the row conversions the API's query
// classes share. Call under guarded().
#include <chrono>
#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <tuple>
#include <vector>

#include "fumidai/db/FilterClause.h"

namespace fumidai::db::detail {

// The parameters as libpq takes them (a null pointer is SQL NULL); they
// point into `parameters`, which must outlive them.
inline std::vector<const char*> parameter_values(const SqlParameters& parameters) {
  std::vector<const char*> values;
  values.reserve(parameters.size());
  for (const auto& p : parameters) values.push_back(p ? p->c_str() : nullptr);
  return values;
}

inline pqxx::result exec_prepared(pqxx::transaction_base& tx, const std::string& statement,
                                  const SqlParameters& parameters) {
  const auto values = parameter_values(parameters);
  return tx.exec_prepared(statement, pqxx::prepare::make_dynamic_params(values));
}

// Settings for a read over FilterClause's statement, in one round trip:
// custom plans, so the absent filters' "$n IS NULL OR ..." fold away, and
// UTC for the timestamps it formats.
inline void begin_filtered_read(pqxx::transaction_base& tx) {
  tx.exec("SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL TimeZone = 'UTC'");
}

inline std::chrono::system_clock::time_point from_micros(long long micros) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::microseconds(micros)));
}

inline std::optional<std::int64_t> optional_int(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return field.as<std::int64_t>();
}

inline std::vector<std::string> text_array(const pqxx::field& field) {
  std::vector<std::string> out;
  if (field.is_null()) return out;
  auto parser = field.as_array();
  for (auto [juncture, value] = parser.get_next(); juncture != pqxx::array_parser::done;
       std::tie(juncture, value) = parser.get_next()) {
    if (juncture == pqxx::array_parser::string_value) out.push_back(std::move(value));
  }
  return out;
}

inline std::vector<std::int64_t> int_array(const pqxx::field& field) {
  std::vector<std::int64_t> out;
  for (const auto& text : text_array(field)) out.push_back(std::stoll(text));
  return out;
}

}  // namespace fumidai::db::detail
