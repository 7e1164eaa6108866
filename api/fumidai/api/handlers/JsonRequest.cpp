#include "fumidai/api/handlers/JsonRequest.h"

#include <fmt/format.h>

#include <boost/json/stream_parser.hpp>
#include <cmath>

namespace fumidai::api {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::size_t characters(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  return n;
}

bool has_control(std::string_view text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return true;
  }
  return false;
}

// 1-based line and column of a byte offset, for a message a person can use.
std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

const char* type_name(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_:
      return "a number";
    case boost::json::kind::string:
      return "a string";
    case boost::json::kind::array:
      return "an array";
    case boost::json::kind::object:
      return "an object";
  }
  return "a value";
}

}  // namespace

bool JsonRequest::is_json_media_type(std::string_view content_type) {
  constexpr std::string_view json = "application/json";
  const auto end = content_type.find(';');
  std::string_view type = content_type.substr(0, end);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  if (type.size() != json.size()) return false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    if (lower(type[i]) != json[i]) return false;
  }
  return true;
}

JsonRequest JsonRequest::parse(const ApiRequest& request, const std::set<std::string>& fields, Limits limits) {
  JsonRequest out;
  if (!is_json_media_type(request.content_type)) {
    out.status_ = 415;
    out.title_ = "Unsupported Media Type";
    out.detail_ = "send the body as Content-Type: application/json";
    return out;
  }
  if (request.body.size() > limits.max_bytes) {
    out.status_ = 413;
    out.title_ = "Content Too Large";
    out.detail_ = fmt::format("the JSON body exceeds {} bytes", limits.max_bytes);
    return out;
  }
  boost::json::parse_options options;
  options.max_depth = limits.max_depth;
  boost::json::stream_parser parser({}, options);
  boost::system::error_code ec;
  const std::size_t used = parser.write(request.body.data(), request.body.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    const std::size_t at = std::min(used, request.body.size());
    const auto [line, column] = line_and_column(request.body, at);
    out.status_ = 400;
    out.title_ = "Bad Request";
    out.detail_ =
        fmt::format("the body is not valid JSON: {} at line {}, column {} (byte {})", ec.message(), line, column, at);
    return out;
  }
  boost::json::value document = parser.release();
  if (!document.is_object()) {
    out.status_ = 400;
    out.title_ = "Bad Request";
    out.detail_ = fmt::format("the body must be a JSON object, not {}", type_name(document));
    return out;
  }
  out.body_ = std::move(document.as_object());
  for (const auto& [name, value] : out.body_) {
    if (fields.contains(std::string(name))) continue;
    // Echoed in the answer: a short name as it is, a long one (or an empty
    // one, which would name nothing) described instead.
    out.invalid(name.empty()        ? std::string("(an empty name)")
                : name.size() <= 64 ? std::string(name)
                                    : std::string("(a name longer than 64 bytes)"),
                "unknown field");
  }
  return out;
}

ApiResponse JsonRequest::problem() const {
  if (status_ != 0) return api::problem(status_, title_, detail_);
  return api::problem(400, "Bad Request", "invalid fields in the body", invalid_);
}

void JsonRequest::invalid(std::string name, std::string reason) {
  invalid_.push_back({std::move(name), std::move(reason)});
}

const boost::json::value* JsonRequest::member(const std::string& name, Need need) {
  const auto* value = body_.if_contains(name);
  if (value == nullptr && need == Need::required) invalid(name, "is required");
  return value;
}

std::optional<std::string> JsonRequest::text(const std::string& name, Need need, std::size_t max_length) {
  const auto* value = member(name, need);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) {
    invalid(name, fmt::format("must be a string, not {}", type_name(*value)));
    return std::nullopt;
  }
  const std::string_view text = value->as_string();
  if (characters(text) > max_length) {
    invalid(name, fmt::format("longer than {} characters", max_length));
    return std::nullopt;
  }
  if (has_control(text)) {
    invalid(name, "holds a control character");
    return std::nullopt;
  }
  return std::string(text);
}

std::optional<double> JsonRequest::number(const std::string& name, Need need, double min, double max) {
  const auto* value = member(name, need);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number()) {
    invalid(name, fmt::format("must be a number, not {}", type_name(*value)));
    return std::nullopt;
  }
  const double n = value->to_number<double>();
  if (!std::isfinite(n) || n < min || n > max) {
    invalid(name, fmt::format("{} is outside {}..{}", n, min, max));
    return std::nullopt;
  }
  return n;
}

std::optional<std::uint64_t> JsonRequest::unsigned_integer(const std::string& name, Need need) {
  const auto* value = member(name, need);
  if (value == nullptr) return std::nullopt;
  if (value->is_uint64()) return value->as_uint64();
  if (value->is_int64() && value->as_int64() >= 0) return static_cast<std::uint64_t>(value->as_int64());
  invalid(name, value->is_number() ? "must be an integer in 0..2^64-1"
                                   : fmt::format("must be an integer, not {}", type_name(*value)));
  return std::nullopt;
}

const boost::json::object* JsonRequest::object(const std::string& name, Need need) {
  const auto* value = member(name, need);
  if (value == nullptr) return nullptr;
  if (!value->is_object()) {
    invalid(name, fmt::format("must be an object, not {}", type_name(*value)));
    return nullptr;
  }
  return &value->as_object();
}

}  // namespace fumidai::api
