// Fuzz target: a JSON request body (POST /v1/campaigns, POST /v1/optouts)
// through JsonRequest::parse, its typed getters, and CampaignSelection::read
// of the "selection" member.
// 1. Whatever the body, the answer is a value: a parsed object, or a problem
//    of status 400, 413 or 415 whose document is JSON; never an exception.
// 2. Every invalid member is named, and a selection's problems are named
//    "selection" or "selection.NAME".
// 3. A selection read without problems holds only values the exposure
//    filters accept (ParamValidator's fixed points).
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "FuzzCheck.h"
#include "fumidai/api/handlers/CampaignSelection.h"
#include "fumidai/api/handlers/JsonRequest.h"

using namespace fumidai::api;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ApiRequest request;
  request.method = "POST";
  request.content_type = "application/json";
  request.body.assign(reinterpret_cast<const char*>(data), size);
  auto body = JsonRequest::parse(
      request, {"name", "selection", "grouping", "language", "control_fraction", "seed", "prefix", "contact"},
      {4096, 6});
  // 1.
  const auto check_problem = [&] {
    const auto response = body.problem();
    FUZZ_CHECK(response.status == 400 || response.status == 413 || response.status == 415);
    boost::system::error_code ec;
    const auto document = boost::json::parse(response.body, ec);
    FUZZ_CHECK(!ec && document.is_object());
    if (const auto* params = document.as_object().if_contains("invalid_params")) {
      // 2.
      for (const auto& p : params->as_array()) FUZZ_CHECK(!p.at("name").as_string().empty());
    }
  };
  if (!body.ok()) {
    check_problem();
    return 0;
  }
  FUZZ_CHECK(size <= 4096);
  body.text("name", JsonRequest::Need::required, 200);
  body.text("grouping", JsonRequest::Need::optional, 32);
  body.number("control_fraction", JsonRequest::Need::optional, 0, 0.5);
  body.unsigned_integer("seed", JsonRequest::Need::optional);
  if (const auto* selection = body.object("selection", JsonRequest::Need::optional)) {
    const auto read = CampaignSelection::read(*selection);
    for (const auto& bad : read.invalid) {
      FUZZ_CHECK(bad.name == "selection" || std::string_view(bad.name).starts_with("selection."));
      FUZZ_CHECK(!bad.reason.empty());
    }
    // 3.
    if (read.invalid.empty()) {
      for (const auto& country : read.filter.countries) FUZZ_CHECK(country.size() == 2);
      for (const auto port : read.filter.ports) FUZZ_CHECK(port >= 0 && port <= 65535);
      for (const auto asn : read.filter.asns) FUZZ_CHECK(asn >= 1 && asn <= 4294967295LL);
    }
  }
  if (!body.ok()) check_problem();
  return 0;
}
