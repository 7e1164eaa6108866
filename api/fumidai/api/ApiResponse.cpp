#include "fumidai/api/ApiResponse.h"

#include <boost/json.hpp>

namespace fumidai::api {

ApiResponse problem(unsigned status, std::string title, std::string detail, std::vector<InvalidParam> invalid_params) {
  boost::json::object document;
  document["type"] = "about:blank";
  document["title"] = std::move(title);
  document["status"] = status;
  if (!detail.empty()) document["detail"] = std::move(detail);
  if (!invalid_params.empty()) {
    boost::json::array params;
    for (auto& p : invalid_params) params.push_back({{"name", std::move(p.name)}, {"reason", std::move(p.reason)}});
    document["invalid_params"] = std::move(params);
  }
  ApiResponse response;
  response.status = status;
  response.content_type = "application/problem+json";
  response.body = boost::json::serialize(document);
  return response;
}

}  // namespace fumidai::api
