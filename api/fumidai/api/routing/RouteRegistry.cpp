#include "fumidai/api/RouteRegistry.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>

namespace fumidai::api {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.size() <= 1) return segments;  // "/" (or "") has none
  std::size_t start = 1;
  while (start <= path.size()) {
    const std::size_t slash = std::min(path.find('/', start), path.size());
    segments.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return segments;
}

// A capture segment: "{name}", or "{name}SUFFIX" ("{rid}.eml"), which
// matches a path segment ending in SUFFIX with something before it.
struct Capture {
  std::string_view name;
  std::string_view suffix;
};

std::optional<Capture> capture_of(std::string_view segment) {
  if (segment.size() < 3 || segment.front() != '{') return std::nullopt;
  const auto close = segment.find('}');
  if (close == std::string_view::npos || close < 2) return std::nullopt;
  return Capture{segment.substr(1, close - 1), segment.substr(close + 1)};
}

// How literally each segment of a route matched: the route with literals
// furthest to the left wins, so /v1/hosts/summary beats /v1/hosts/{ip}, and
// a capture with a literal suffix beats a bare one ({rid}.eml over {rid}).
enum class SegmentMatch { capture = 0, capture_with_suffix = 1, literal = 2 };
using Specificity = std::vector<SegmentMatch>;

bool matches(std::string_view pattern, const std::vector<std::string_view>& path,
             std::map<std::string, std::string>* captures, Specificity* specificity) {
  const auto parts = split_path(pattern);
  if (parts.size() != path.size()) return false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto capture = capture_of(parts[i]);
    if (!capture) {
      if (parts[i] != path[i]) return false;
      continue;
    }
    if (path[i].size() <= capture->suffix.size() || !path[i].ends_with(capture->suffix)) return false;
  }
  if (captures != nullptr) {
    captures->clear();
    specificity->clear();
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const auto capture = capture_of(parts[i]);
      if (!capture) {
        specificity->push_back(SegmentMatch::literal);
        continue;
      }
      specificity->push_back(capture->suffix.empty() ? SegmentMatch::capture : SegmentMatch::capture_with_suffix);
      (*captures)[std::string(capture->name)] = std::string(path[i].substr(0, path[i].size() - capture->suffix.size()));
    }
  }
  return true;
}

}  // namespace

void RouteRegistry::add(RouteSpec route) {
  for (const auto& existing : routes_) {
    if (existing.method == route.method && existing.pattern == route.pattern) {
      std::fprintf(stderr, "fumidai: route %s %s registered twice\n", route.method.c_str(), route.pattern.c_str());
      std::abort();
    }
  }
  if (route.pattern.empty() || route.pattern.front() != '/' || !route.handler) {
    std::fprintf(stderr, "fumidai: route %s %s needs a path starting with '/' and a handler\n", route.method.c_str(),
                 route.pattern.c_str());
    std::abort();
  }
  routes_.push_back(std::move(route));
}

RouteRegistry::Lookup RouteRegistry::find(std::string_view method, std::string_view path) const {
  const auto segments = split_path(path);
  Lookup lookup;
  Specificity best;
  Match candidate;
  Specificity specificity;
  for (const auto& route : routes_) {
    if (route.method != method) {
      if (matches(route.pattern, segments, nullptr, nullptr) &&
          std::find(lookup.allowed_methods.begin(), lookup.allowed_methods.end(), route.method) ==
              lookup.allowed_methods.end()) {
        lookup.allowed_methods.push_back(route.method);
      }
      continue;
    }
    if (!matches(route.pattern, segments, &candidate.path, &specificity)) continue;
    if (!lookup.match ||
        std::lexicographical_compare(best.begin(), best.end(), specificity.begin(), specificity.end())) {
      candidate.route = &route;
      lookup.match = candidate;
      best = specificity;
    }
  }
  if (lookup.match) lookup.allowed_methods.clear();
  std::sort(lookup.allowed_methods.begin(), lookup.allowed_methods.end());
  return lookup;
}

}  // namespace fumidai::api
