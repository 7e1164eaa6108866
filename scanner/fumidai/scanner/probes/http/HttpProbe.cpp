#include "fumidai/scanner/probes/http/HttpProbe.h"

#include "fumidai/scanner/probes/http/HttpGrab.h"
#include "fumidai/scanner/probes/tlsvpn/TlsVpnDetection.h"

namespace fumidai::scanner {

boost::asio::awaitable<ProbeOutcome> HttpProbe::run(ProbeSession& session) const {
  HttpPage page = co_await grab_http_page(session, session.options().fetch_favicon);
  // A server that let GET / time out would let the VPN requests time out too.
  if (tls_ && page.outcome.status != GrabStatus::io_timeout) co_await detect_tls_vpn(session, page);
  co_return std::move(page.outcome);
}

}  // namespace fumidai::scanner
