#pragma once
// The routes the server answers, filled at start-up by the handler modules
// (register_*_routes) and read-only once the server runs. Paths are matched
// segment by segment; a {name} segment captures one segment, and a
// {name}SUFFIX segment ("{rid}.eml") one ending in SUFFIX, less the suffix.
// Contract: add() before serving, from one thread; match() and routes() are
// then safe from any thread. Routes live as long as the registry.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/api/RouteSpec.h"

namespace fumidai::api {

class RouteRegistry {
 public:
  struct Match {
    const RouteSpec* route = nullptr;
    std::map<std::string, std::string> path;  // captured {name} segments, percent-decoded
  };
  // What a path resolved to: a route, a path that exists under other methods
  // (405 with Allow), or nothing (404).
  struct Lookup {
    std::optional<Match> match;
    std::vector<std::string> allowed_methods;
  };

  // A duplicate (method, pattern) is a programming error: it aborts.
  void add(RouteSpec route);
  // `path` as RequestTarget::parse() left it: decoded segments, none holding
  // a '/', so the captures come out percent-decoded.
  Lookup find(std::string_view method, std::string_view path) const;
  const std::vector<RouteSpec>& routes() const { return routes_; }

 private:
  std::vector<RouteSpec> routes_;
};

}  // namespace fumidai::api
