#pragma once
// Checks a request's query parameters against its route's ParamSpecs and
// normalises the values handlers see: ASNs as decimal, addresses and networks
// in their canonical text, countries upper-cased, timestamps as RFC 3339 UTC.
// Every problem is reported, not just the first, so a client fixes its
// request in one go: unknown parameters, repeats of a parameter that may not
// repeat, and each malformed value.
// Contract: stateless; safe from any thread.
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fumidai/api/ApiResponse.h"
#include "fumidai/api/RouteSpec.h"
#include "fumidai/core/Error.h"

namespace fumidai::api {

class ParamValidator {
 public:
  struct Outcome {
    std::map<std::string, std::vector<std::string>> values;  // by name, normalised, in the order given
    std::vector<InvalidParam> invalid;                       // empty when the query is good
  };

  static Outcome validate(const std::vector<ParamSpec>& specs,
                          const std::vector<std::pair<std::string, std::string>>& query);

  // One value of `spec`'s type, normalised; the error names what is wrong
  // (without the parameter's name). normalise() of a normalised value
  // returns it unchanged.
  static Result<std::string> normalise(const ParamSpec& spec, std::string_view value);
};

}  // namespace fumidai::api
