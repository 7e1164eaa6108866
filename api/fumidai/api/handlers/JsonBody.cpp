#include "fumidai/api/handlers/JsonBody.h"

#include <fmt/format.h>

#include "fumidai/db/UtcTime.h"

namespace fumidai::api {

std::string JsonBody::time(std::chrono::system_clock::time_point at) { return db::format_utc_seconds(at); }

boost::json::value JsonBody::optional_time(const std::optional<std::chrono::system_clock::time_point>& at) {
  if (!at) return nullptr;
  return boost::json::value(time(*at));
}

boost::json::array JsonBody::strings(const std::vector<std::string>& values) {
  boost::json::array out;
  for (const auto& v : values) out.emplace_back(v);
  return out;
}

boost::json::value JsonBody::optional_int(const std::optional<std::int64_t>& value) {
  if (!value) return nullptr;
  return *value;
}

boost::json::value JsonBody::text_or_null(const std::string& value) {
  if (value.empty()) return nullptr;
  return boost::json::value(value);
}

ApiResponse JsonBody::ok(const boost::json::value& body) {
  ApiResponse response;
  response.body = boost::json::serialize(body);
  return response;
}

ApiResponse JsonBody::error(const Error& error) {
  if (error.kind != Error::Kind::invalid_input) {
    return problem(503, "Service Unavailable", "the database could not answer; try again later");
  }
  // db/ names the parameter first: "limit: 0 is outside 1..1000".
  std::vector<InvalidParam> params;
  if (const auto colon = error.message.find(": "); colon != std::string::npos) {
    const std::string name = error.message.substr(0, colon);
    if (!name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string::npos) {
      params.push_back({name, error.message.substr(colon + 2)});
    }
  }
  return problem(400, "Bad Request", error.message, std::move(params));
}

ApiResponse JsonBody::not_found(const std::string& what) { return problem(404, "Not Found", what); }

}  // namespace fumidai::api
