#include "fumidai/api/handlers/CampaignSelection.h"

#include <fmt/format.h>

#include <boost/json/serialize.hpp>

#include "fumidai/api/handlers/FilterParams.h"
#include "fumidai/api/routing/ParamValidator.h"

namespace fumidai::api {
namespace {

// One scalar as the query string would carry it; nullopt for other types.
std::optional<std::string> scalar(const boost::json::value& value) {
  if (value.is_string()) return std::string(value.as_string());
  if (value.is_int64()) return std::to_string(value.as_int64());
  if (value.is_uint64()) return std::to_string(value.as_uint64());
  // A fraction can never be a valid filter value; the validator says why.
  if (value.is_double()) return boost::json::serialize(value);
  return std::nullopt;
}

std::string qualified(std::string_view name) {
  return name.size() <= 64 ? fmt::format("selection.{}", name) : "selection.(a name longer than 64 bytes)";
}

}  // namespace

CampaignSelection::Outcome CampaignSelection::read(const boost::json::object& selection) {
  Outcome out;
  std::vector<std::pair<std::string, std::string>> query;
  for (const auto& [name, value] : selection) {
    const auto add = [&](const boost::json::value& one) {
      auto text = scalar(one);
      if (!text) {
        out.invalid.push_back({qualified(name), "must be a string, a number, or an array of them"});
        return false;
      }
      query.emplace_back(std::string(name), std::move(*text));
      return true;
    };
    if (value.is_array()) {
      if (value.as_array().empty()) out.invalid.push_back({qualified(name), "an empty array selects nothing"});
      for (const auto& one : value.as_array()) {
        if (!add(one)) break;
      }
    } else {
      add(value);
    }
  }
  if (query.size() > kMaxValues) {
    out.invalid.push_back({"selection", fmt::format("more than {} values", kMaxValues)});
  }
  if (!out.invalid.empty()) return out;
  auto checked = ParamValidator::validate(FilterParams::specs(), query);
  for (auto& bad : checked.invalid) out.invalid.push_back({qualified(bad.name), std::move(bad.reason)});
  if (!out.invalid.empty()) return out;
  ApiRequest as_query;
  as_query.query = std::move(checked.values);
  auto filter = FilterParams::filter(as_query);
  if (!filter) {
    out.invalid.push_back({"selection", filter.error().message});
    return out;
  }
  out.filter = std::move(*filter);
  return out;
}

}  // namespace fumidai::api
