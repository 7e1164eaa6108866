#pragma once
// A campaign's "selection" object read with the very ParamSpecs and
// ParamValidator of /v1/exposures, so the two can never differ: each member
// is a filter's name and a value (string or number) or an array of them; the
// object is turned into the query-string form and validated as a query is.
// Contract: stateless; thread-safe.
#include <boost/json/object.hpp>
#include <vector>

#include "fumidai/api/ApiResponse.h"
#include "fumidai/db/ExposureFilter.h"

namespace fumidai::api {

class CampaignSelection {
 public:
  // Values beyond this many (all members together) are refused: as many as a
  // query string may carry.
  static constexpr std::size_t kMaxValues = 64;

  struct Outcome {
    db::ExposureFilter filter;
    std::vector<InvalidParam> invalid;  // named "selection.NAME"; empty when good
  };
  static Outcome read(const boost::json::object& selection);
};

}  // namespace fumidai::api
