#include "fumidai/api/cache/CachedHandler.h"

#include <memory>

namespace fumidai::api {
namespace {

// Length-prefixed, so no value can imitate a separator.
void append_field(std::string& key, std::string_view value) {
  key += std::to_string(value.size());
  key += ':';
  key += value;
}

}  // namespace

std::string response_cache_key(const std::string& route_name, const ApiRequest& request) {
  std::string key;
  append_field(key, route_name);
  for (const auto& [name, values] : request.path) {
    append_field(key, name);
    append_field(key, values);
  }
  key += '?';
  for (const auto& [name, values] : request.query) {
    append_field(key, name);
    key += std::to_string(values.size());
    for (const auto& value : values) append_field(key, value);
  }
  key += '@';
  if (request.principal) {
    const Principal& who = *request.principal;
    key += std::to_string(static_cast<int>(who.role));
    key += 'a';
    for (const auto asn : who.constituency.asns) append_field(key, std::to_string(asn));
    key += 'p';
    for (const auto& prefix : who.constituency.prefixes) append_field(key, prefix);
    key += 'c';
    for (const auto& country : who.constituency.countries) append_field(key, country);
  }
  return key;
}

Handler cached_handler(std::string route_name, Handler inner, ResponseCache& cache) {
  return [route_name = std::move(route_name), inner = std::move(inner), &cache](const ApiRequest& request,
                                                                                HandlerContext& context) {
    const std::string key = response_cache_key(route_name, request);
    if (auto hit = cache.find(key)) {
      ApiResponse response;
      response.content_type = hit->content_type;
      response.body = hit->body;
      return response;
    }
    ApiResponse response = inner(request, context);
    if (response.status == 200 && !response.stream && response.headers.empty())
      cache.insert(key, std::make_shared<const ResponseCache::Entry>(
                            ResponseCache::Entry{response.content_type, response.body}));
    return response;
  };
}

}  // namespace fumidai::api
