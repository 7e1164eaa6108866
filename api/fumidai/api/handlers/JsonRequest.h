#pragma once
// A JSON request body, checked the way the query string is: the media type
// must be application/json (415), the body within a size (413) and depth,
// and parse (400 naming the line, column and byte where it broke); it must
// be an object whose top-level members are all known (400 naming the
// others). The typed getters collect every wrong member, so one 400 lists
// them all, the way ParamValidator does for query parameters.
// Usage: parse(); if (!ok()) return problem(); the getters; if (!ok())
// return problem(). Never an exception, whatever the body.
// Contract: a value owned by one handler call; not thread-safe.
#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/api/ApiRequest.h"
#include "fumidai/api/ApiResponse.h"

namespace fumidai::api {

class JsonRequest {
 public:
  struct Limits {
    std::size_t max_bytes = 64 * 1024;
    std::size_t max_depth = 8;  // nesting of arrays and objects
  };
  enum class Need { required, optional };

  static JsonRequest parse(const ApiRequest& request, const std::set<std::string>& fields, Limits limits);
  // Whether the body is application/json (parameters such as charset allowed).
  static bool is_json_media_type(std::string_view content_type);

  bool ok() const { return status_ == 0 && invalid_.empty(); }
  // What to answer when !ok(): the parse failure, else a 400 listing every
  // wrong member.
  ApiResponse problem() const;
  // Records a member as wrong (for checks beyond the types below).
  void invalid(std::string name, std::string reason);

  // A member's value, or nullopt when it is absent (noted when required) or
  // of the wrong type (noted). Strings are valid UTF-8 (the parser checks),
  // hold no control characters and are at most max_length code units.
  std::optional<std::string> text(const std::string& name, Need need, std::size_t max_length);
  std::optional<double> number(const std::string& name, Need need, double min, double max);
  std::optional<std::uint64_t> unsigned_integer(const std::string& name, Need need);
  const boost::json::object* object(const std::string& name, Need need);

  const boost::json::object& members() const { return body_; }

 private:
  const boost::json::value* member(const std::string& name, Need need);

  boost::json::object body_;
  unsigned status_ = 0;  // a parse failure's status; 0: parsed
  std::string title_, detail_;
  std::vector<InvalidParam> invalid_;
};

}  // namespace fumidai::api
