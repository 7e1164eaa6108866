// Fuzz target: the API server's request target (what any client sends in the
// request line) through RequestTarget::parse and ParamValidator against a
// route that takes one parameter of every type.
// 1. A parsed target is what the router may trust: a path of '/'-joined,
//    non-empty segments, none "." or "..", none holding '/', all valid UTF-8
//    without control characters; at most the parameter limit.
// 2. Validation reports every bad parameter by a name that was given; a good
//    query keeps only declared names, and each value is a fixed point of
//    normalisation (normalising it again changes nothing) and valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "FuzzCheck.h"
#include "fumidai/api/routing/ParamValidator.h"
#include "fumidai/api/routing/RequestTarget.h"
#include "fumidai/core/Utf8.h"

using namespace fumidai::api;

namespace {

constexpr std::size_t kMaxBytes = 8192;
constexpr std::size_t kMaxParameters = 64;

bool clean(std::string_view text) {
  if (!fumidai::is_valid_utf8(text)) return false;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

std::vector<ParamSpec> specs() {
  std::vector<ParamSpec> out;
  const auto add = [&](const char* name, ParamType type) {
    ParamSpec spec;
    spec.name = name;
    spec.type = type;
    spec.repeated = true;
    out.push_back(spec);
    return &out.back();
  };
  add("q", ParamType::string)->max_length = 64;
  auto* n = add("n", ParamType::integer);
  n->min = -5;
  n->max = 1000;
  add("asn", ParamType::asn);
  add("ip", ParamType::ip);
  add("prefix", ParamType::cidr);
  add("country", ParamType::country);
  add("since", ParamType::timestamp);
  add("sort", ParamType::choice)->choices = {"asc", "desc"};
  out.back().repeated = false;
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<ParamSpec> route_params = specs();
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto target = RequestTarget::parse(bytes, kMaxBytes, kMaxParameters);
  if (!target) {
    FUZZ_CHECK(!target.error().message.empty());
    return 0;
  }
  // 1.
  FUZZ_CHECK(size <= kMaxBytes);
  FUZZ_CHECK(!target->path.empty() && target->path.front() == '/');
  std::string joined;
  for (const auto& segment : target->segments) {
    FUZZ_CHECK(!segment.empty() && segment != "." && segment != "..");
    FUZZ_CHECK(segment.find('/') == std::string::npos);
    FUZZ_CHECK(clean(segment));
    joined += '/' + segment;
  }
  FUZZ_CHECK(joined.empty() ? target->path == "/" : target->path == joined);
  FUZZ_CHECK(target->query.size() <= kMaxParameters);
  for (const auto& [name, value] : target->query) {
    FUZZ_CHECK(!name.empty() && clean(name) && clean(value));
  }

  // 2.
  const auto outcome = ParamValidator::validate(route_params, target->query);
  for (const auto& bad : outcome.invalid) {
    bool given = false;
    for (const auto& [name, value] : target->query) given = given || name == bad.name;
    FUZZ_CHECK(given && !bad.reason.empty());
  }
  FUZZ_CHECK(outcome.invalid.empty() || outcome.values.empty());
  for (const auto& [name, values] : outcome.values) {
    const ParamSpec* spec = nullptr;
    for (const auto& s : route_params) spec = s.name == name ? &s : spec;
    FUZZ_CHECK(spec != nullptr);
    for (const auto& value : values) {
      FUZZ_CHECK(fumidai::is_valid_utf8(value));
      auto again = ParamValidator::normalise(*spec, value);
      FUZZ_CHECK(again && *again == value);
    }
  }
  return 0;
}
