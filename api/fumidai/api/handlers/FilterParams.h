#pragma once
// The exposure filters every exposure, statistics and export route accepts
// (asn, org, country, prefix, category, label, vendor, product, port,
// protocol, scan, since, until), declared once as ParamSpecs, read back into
// a db::ExposureFilter, and the caller's db::Scope from its principal.
// Contract: stateless functions; thread-safe.
#include <set>
#include <string>
#include <vector>

#include "fumidai/api/ApiRequest.h"
#include "fumidai/api/RouteSpec.h"
#include "fumidai/core/Error.h"
#include "fumidai/db/ExposureFilter.h"
#include "fumidai/db/Scope.h"

namespace fumidai::api {

class FilterParams {
 public:
  // All thirteen, less those named in `without`.
  static std::vector<ParamSpec> specs(const std::set<std::string>& without = {});
  // The server has checked each value's type; a value that still does not
  // convert is an input error naming the parameter.
  static Result<db::ExposureFilter> filter(const ApiRequest& request);
  // An analyst's constituency (restricted, even when empty: an analyst key
  // with no networks sees nothing); everything for other roles.
  static db::Scope scope(const ApiRequest& request);
  // A `limit` parameter's value, or `fallback`.
  static Result<int> limit(const ApiRequest& request, int fallback);
};

}  // namespace fumidai::api
