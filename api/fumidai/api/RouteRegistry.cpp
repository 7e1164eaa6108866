#include "fumidai/api/RouteRegistry.h"

#include <cstdio>
#include <cstdlib>

namespace fumidai::api {
namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto end = path.find('/', start);
    out.push_back(path.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A malformed escape stays as it is: the handler then rejects the value.
std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::optional<std::map<std::string, std::string>> match(std::string_view pattern, std::string_view path) {
  const auto want = segments(pattern);
  const auto have = segments(path);
  if (want.size() != have.size()) return std::nullopt;
  std::map<std::string, std::string> captured;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}') {
      if (have[i].empty()) return std::nullopt;
      captured[std::string(want[i].substr(1, want[i].size() - 2))] = percent_decode(have[i]);
    } else if (want[i] != have[i]) {
      return std::nullopt;
    }
  }
  return captured;
}

}  // namespace

void RouteRegistry::add(RouteSpec route) {
  for (const auto& r : routes_) {
    if (r.method == route.method && r.pattern == route.pattern) {
      std::fprintf(stderr, "RouteRegistry: %s %s added twice\n", route.method.c_str(), route.pattern.c_str());
      std::abort();
    }
  }
  routes_.push_back(std::move(route));
}

RouteRegistry::Lookup RouteRegistry::find(std::string_view method, std::string_view path) const {
  Lookup lookup;
  for (const auto& r : routes_) {
    auto captured = match(r.pattern, path);
    if (!captured) continue;
    if (r.method == method) {
      lookup.match = Match{&r, std::move(*captured)};
      return lookup;
    }
    lookup.allowed_methods.push_back(r.method);
  }
  return lookup;
}

}  // namespace fumidai::api
