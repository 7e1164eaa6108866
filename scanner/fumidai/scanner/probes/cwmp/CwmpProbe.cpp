#include "fumidai/scanner/probes/cwmp/CwmpProbe.h"

#include "fumidai/scanner/probes/cwmp/CwmpFindings.h"
#include "fumidai/scanner/probes/http/HttpGrab.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {

boost::asio::awaitable<ProbeOutcome> CwmpProbe::run(ProbeSession& session) const {
  HttpPage page = co_await grab_http_page(session, false);
  if (!page.response) co_return std::move(page.outcome);
  const CwmpFindings f = cwmp_findings(*page.response);
  boost::json::object cwmp;
  cwmp["status_code"] = f.status;
  if (f.server) cwmp["server"] = json_safe_text(*f.server);
  if (f.auth_scheme) cwmp["auth_scheme"] = json_safe_text(*f.auth_scheme);
  if (f.realm) cwmp["realm"] = json_safe_text(*f.realm);
  if (f.rompager_version) cwmp["rompager_version"] = json_safe_text(*f.rompager_version);
  boost::json::array hints;
  for (const std::string& hint : f.hints) hints.emplace_back(hint);
  cwmp["hints"] = std::move(hints);
  page.outcome.data["cwmp"] = std::move(cwmp);
  co_return std::move(page.outcome);
}

}  // namespace fumidai::scanner
