#include "fumidai/fingerprints/Fingerprint.h"

#include <boost/json/array.hpp>

namespace fumidai::fingerprints {

boost::json::object Fingerprint::to_json() const {
  boost::json::object out;
  auto put = [&out](const char* key, const std::string& value) {
    if (!value.empty()) out[key] = value;
  };
  put("id", id);
  put("source", source);
  put("category", category);
  put("vendor", vendor);
  put("product", product);
  put("version", version);
  put("device", device);
  put("cpe", cpe);
  if (confidence > 0) out["confidence"] = confidence;
  if (!tags.empty()) {
    boost::json::array list;
    for (const auto& tag : tags) list.emplace_back(tag);
    out["tags"] = std::move(list);
  }
  if (!attributes.empty()) {
    boost::json::object attrs;
    for (const auto& [key, value] : attributes) attrs[key] = value;
    out["attributes"] = std::move(attrs);
  }
  if (!eol_date.empty() || !eol_source.empty()) {
    boost::json::object eol;
    if (!eol_date.empty()) eol["date"] = eol_date;
    if (!eol_source.empty()) eol["source"] = eol_source;
    out["eol"] = std::move(eol);
  }
  return out;
}

}  // namespace fumidai::fingerprints
