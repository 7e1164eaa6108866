#pragma once
// Probe module "cwmp" (TCP 7547): the TR-069 connection-request listener.
// One GET / (no favicon: the listener serves none), recorded as the "http"
// module records it, plus data.cwmp: status, Server, the WWW-Authenticate
// scheme and realm, and firmware hints (see CwmpFindings.h). Any HTTP
// answer makes the record protocol "cwmp": the port is the CPE's.
#include "fumidai/scanner/grab/ProbeModule.h"

namespace fumidai::scanner {

class CwmpProbe final : public ProbeModule {
 public:
  std::string_view name() const override { return "cwmp"; }
  std::string_view protocol() const override { return "cwmp"; }
  boost::asio::awaitable<ProbeOutcome> run(ProbeSession& session) const override;
};

}  // namespace fumidai::scanner
