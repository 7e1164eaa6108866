#pragma once
// What the answer of a TR-069 connection-request listener (CWMP, TCP 7547)
// to GET / says about the CPE behind it. The listener is meant for the
// operator's ACS only; reachable from the internet it is the exposure
// (Shadowserver's "Accessible CWMP"), and its web server names the firmware
// family:
//   - RomPager ("RomPager/4.07 UPnP/1.0", "Allegro-Software-RomPager/4.x"):
//     before 4.34 it is the Misfortune Cookie era (CVE-2014-9222);
//   - "tr069 http server", "CPE-SERVER", gSOAP: CWMP client stacks;
//   - Digest or Basic realms: "HuaweiHomeGateway", "Thomson_cwmp_*" (also
//     Technicolor).
// cwmp_findings() reads an already parsed response: a pure function of
// untrusted bytes, safe from any thread. Strings are raw bytes.
#include <optional>
#include <string>
#include <vector>

#include "fumidai/scanner/probes/http/HttpResponse.h"

namespace fumidai::scanner {

struct CwmpFindings {
  int status = 0;
  std::optional<std::string> server;
  std::optional<std::string> auth_scheme;  // of the first WWW-Authenticate challenge, as sent
  std::optional<std::string> realm;
  std::optional<std::string> rompager_version;  // "4.07"
  // Short fixed tags, in this order when present: "rompager",
  // "misfortune-cookie-era", "tr069-http-server", "cpe-server", "gsoap",
  // "realm-huawei-home-gateway", "realm-thomson-cwmp".
  std::vector<std::string> hints;
};

CwmpFindings cwmp_findings(const HttpResponse& response);

}  // namespace fumidai::scanner
