#pragma once
// A request target ("/v1/hosts/192.0.2.1?port=443&port=80") taken apart and
// checked before anything routes on it: the path into percent-decoded
// segments, the query into decoded (name, value) pairs in the order given.
// Rejected, each with an error naming what is wrong: anything but an
// origin-form target, bad or %00/control-character escapes, invalid UTF-8,
// "." and ".." segments, empty segments ("//"), an encoded '/' inside a
// segment, more than `max_parameters` parameters, more than `max_bytes`.
// Contract: a plain value; parse() is a pure function, safe from any thread.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fumidai/core/Error.h"

namespace fumidai::api {

struct RequestTarget {
  std::vector<std::string> segments;  // decoded; "/" has none
  // The decoded segments joined by '/', with a leading '/': what
  // RouteRegistry::find() matches (no segment holds a '/').
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;  // decoded, '+' read as space

  static Result<RequestTarget> parse(std::string_view target, std::size_t max_bytes, std::size_t max_parameters);
};

}  // namespace fumidai::api
