#pragma once
// The one place that turns an ExposureFilter and a Scope into SQL: a fixed
// boolean expression over bound parameters $first..$first+kParameters-1
// (each NULL when its filter is absent), so every query that uses it is one
// prepared statement whatever the filter, and no value is ever spliced into
// SQL text. The expression is written against a FilterColumns naming where
// each attribute lives in the query (hosts, observations, counts).
// Contract: stateless; thread-safe.
#include <optional>
#include <string>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/db/ExposureFilter.h"
#include "fumidai/db/Scope.h"

namespace fumidai::db {

// SQL expressions for each attribute; "NULL" where a query has none (its
// caller must then not accept that filter). `scan` is a condition in which
// "$SCAN" stands for the scan id parameter.
struct FilterColumns {
  std::string ip = "NULL::inet";
  std::string asn;
  std::string org_id;
  std::string org_name;
  std::string country;
  std::string categories = "NULL::text[]";
  std::string labels = "NULL::text[]";
  std::string fingerprints = "'[]'::jsonb";  // a jsonb array of {vendor, product, ...}
  std::string port = "NULL::integer";
  std::string protocol = "NULL::text";
  std::string scan = "false";
  std::string first_seen = "NULL::timestamptz";
  std::string last_seen = "NULL::timestamptz";
};

using SqlParameters = std::vector<std::optional<std::string>>;

class FilterClause {
 public:
  static constexpr int kParameters = 17;

  static std::string sql(const FilterColumns& columns, int first = 1);
  // The parameters' values in order. A malformed prefix, port or country
  // is an input error naming the parameter.
  static Result<SqlParameters> parameters(const ExposureFilter& filter, const Scope& scope);
};

}  // namespace fumidai::db
