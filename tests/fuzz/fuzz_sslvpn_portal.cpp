// Fuzz target: what the "https" and "cwmp" modules read out of an HTTP
// answer once HttpResponseParser has it: the SSL VPN portal rules (the
// shipped ones), the SSTP answer check and the CWMP findings. The input is
// the server's byte stream; a partial response (an error or a close
// mid-body) is matched too, as the modules see those.
//
// 1. A rule match names a condition of that rule that holds on the response.
// 2. CWMP hints come from the fixed vocabulary, each at most once.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "FuzzCheck.h"
#include "fumidai/scanner/probes/cwmp/CwmpFindings.h"
#include "fumidai/scanner/probes/http/HttpResponseParser.h"
#include "fumidai/scanner/probes/tlsvpn/SslVpnPortalRules.h"
#include "fumidai/scanner/probes/tlsvpn/SstpCheck.h"

using namespace fumidai::scanner;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  HttpResponseParser parser({"https://192.0.2.1/", false});
  if (auto state = parser.feed(std::span<const std::uint8_t>(data, size)); state) (void)parser.finish();
  const HttpResponse& response = parser.response();

  const SslVpnPortalRules& rules = SslVpnPortalRules::built_in();
  if (const auto match = rules.confirmed(response)) {
    const auto& confirms = match->rule->confirms;
    FUZZ_CHECK(std::any_of(confirms.begin(), confirms.end(), [&](const auto& c) { return &c == match->condition; }));
    FUZZ_CHECK(match->condition->matches(response));
    FUZZ_CHECK(!match->condition->describe().empty());
  }
  if (const auto hint = rules.hinted(response)) {
    FUZZ_CHECK(!hint->rule->follow.empty());
    FUZZ_CHECK(hint->condition->matches(response));
    if (const auto* c = SslVpnPortalRules::confirming(*hint->rule, response)) FUZZ_CHECK(c->matches(response));
  }
  if (is_sstp_answer(response)) FUZZ_CHECK(response.status == 200 && response.content_length);

  static constexpr std::array<std::string_view, 7> kHints = {
      "rompager", "misfortune-cookie-era",     "tr069-http-server", "cpe-server",
      "gsoap",    "realm-huawei-home-gateway", "realm-thomson-cwmp"};
  const CwmpFindings findings = cwmp_findings(response);
  std::size_t last = 0;
  for (const std::string& hint : findings.hints) {
    const auto it = std::find(kHints.begin(), kHints.end(), hint);
    FUZZ_CHECK(it != kHints.end());
    const auto index = static_cast<std::size_t>(it - kHints.begin()) + 1;
    FUZZ_CHECK(index > last);  // in the documented order, so each at most once
    last = index;
  }
  if (findings.rompager_version) FUZZ_CHECK(findings.rompager_version->size() <= 16);
  return 0;
}
