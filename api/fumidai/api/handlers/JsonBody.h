#pragma once
// How the endpoints write JSON: RFC 3339 UTC times, string arrays, a 200
// response, and the problem document for an Error from db/ (an input error
// is a 400 naming the parameter its message starts with; anything else a
// 503, the database being unavailable: never a 500 for bad input).
// Contract: stateless functions; thread-safe.
#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "fumidai/api/ApiResponse.h"
#include "fumidai/core/Error.h"

namespace fumidai::api {

class JsonBody {
 public:
  static std::string time(std::chrono::system_clock::time_point at);
  static boost::json::value optional_time(const std::optional<std::chrono::system_clock::time_point>& at);
  static boost::json::array strings(const std::vector<std::string>& values);
  static boost::json::value optional_int(const std::optional<std::int64_t>& value);
  static boost::json::value text_or_null(const std::string& value);
  static ApiResponse ok(const boost::json::value& body);
  static ApiResponse error(const Error& error);
  static ApiResponse not_found(const std::string& what);
};

}  // namespace fumidai::api
