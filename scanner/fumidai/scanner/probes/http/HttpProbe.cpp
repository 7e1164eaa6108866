#include "fumidai/scanner/probes/http/HttpProbe.h"

#include "fumidai/scanner/probes/http/HttpGrab.h"

namespace fumidai::scanner {

boost::asio::awaitable<ProbeOutcome> HttpProbe::run(ProbeSession& session) const {
  co_return co_await grab_http(session);
}

}  // namespace fumidai::scanner
