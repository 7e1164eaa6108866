#pragma once
// Short-hands for the ParamSpecs the endpoint routes declare (RouteSpec.h),
// so each route's parameter list reads as one line per parameter.
// Contract: pure functions.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "fumidai/api/RouteSpec.h"

namespace fumidai::api::params {

inline ParamSpec of_type(std::string name, ParamType type, std::string description) {
  ParamSpec spec;
  spec.name = std::move(name);
  spec.type = type;
  spec.description = std::move(description);
  return spec;
}

inline ParamSpec integer(std::string name, std::int64_t min, std::int64_t max, std::string description) {
  ParamSpec spec = of_type(std::move(name), ParamType::integer, std::move(description));
  spec.min = min;
  spec.max = max;
  return spec;
}

inline ParamSpec choice(std::string name, std::vector<std::string> choices, std::string description) {
  ParamSpec spec = of_type(std::move(name), ParamType::choice, std::move(description));
  spec.choices = std::move(choices);
  return spec;
}

// `cursor` (an opaque token of at most cursor_length) and `limit` (1..max_limit).
inline std::vector<ParamSpec> page(std::size_t cursor_length, std::int64_t max_limit) {
  ParamSpec cursor = of_type("cursor", ParamType::string, "The previous page's next_cursor.");
  cursor.max_length = cursor_length;
  return {cursor, integer("limit", 1, max_limit, "Items per page (default 100).")};
}

}  // namespace fumidai::api::params
