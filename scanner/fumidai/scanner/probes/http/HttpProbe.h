#pragma once
// Probe modules "http" (plain TCP) and "https" (TLS first): see HttpGrab.h.
// "https" also tells SSTP servers and SSL VPN portals from web servers, with
// at most two more requests (see tlsvpn/TlsVpnDetection.h): every TLS web
// port of a router may be its VPN, and a separate module would have to be
// named on every such port and would be missing from --module https.
#include "fumidai/scanner/grab/ProbeModule.h"

namespace fumidai::scanner {

class HttpProbe final : public ProbeModule {
 public:
  explicit HttpProbe(bool tls) : tls_(tls) {}
  std::string_view name() const override { return tls_ ? "https" : "http"; }
  std::string_view protocol() const override { return "http"; }
  bool tls() const override { return tls_; }
  boost::asio::awaitable<ProbeOutcome> run(ProbeSession& session) const override;

 private:
  bool tls_;
};

}  // namespace fumidai::scanner
