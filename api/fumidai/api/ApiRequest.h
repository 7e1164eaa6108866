#pragma once
// One request as a handler sees it: authenticated, routed, its query string
// parsed and validated against the route's parameter list (unknown or
// malformed parameters never reach a handler: they are a 400 already).
// Contract: owned by the server for the duration of the handler call;
// handlers must not keep references past it.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fumidai/api/Principal.h"

namespace fumidai::api {

struct ApiRequest {
  std::string method;                        // "GET", "POST", ...
  std::string target;                        // path and query, as received (for the audit log)
  std::map<std::string, std::string> path;   // {ip} in /v1/hosts/{ip} -> "path"["ip"]
  // Validated query parameters: name -> values (a parameter may repeat only if
  // its spec allows it). Values are valid UTF-8 and of the spec's type.
  std::map<std::string, std::vector<std::string>> query;
  std::string body;                          // within the server's body limit
  std::string content_type;                  // the Content-Type header as sent ("" when absent)
  std::optional<Principal> principal;        // empty only on public routes
  std::string request_id;                    // echoed as X-Request-Id and in problem documents

  // The single value of a parameter, if given.
  std::optional<std::string> param(const std::string& name) const {
    auto it = query.find(name);
    if (it == query.end() || it->second.empty()) return std::nullopt;
    return it->second.front();
  }
};

}  // namespace fumidai::api
