#pragma once
// Probe module "banner": for ports the profile does not name. Like LZR, it
// identifies the protocol from the first bytes instead of trusting the port:
//  1. wait briefly for the server to speak first; SSH ("SSH-"), FTP ("220"),
//     Telnet (IAC) are then grabbed by their own modules' code;
//  2. otherwise send an HTTP GET; an HTTP answer is grabbed as HTTP;
//  3. a TLS alert in answer, or a close without a byte (OpenSSL's way), may
//     mean TLS: reconnect, handshake, and grab HTTP over it;
//  4. anything else is recorded as protocol "unknown" with its first bytes.
#include "fumidai/scanner/grab/ProbeModule.h"

namespace fumidai::scanner {

class BannerProbe final : public ProbeModule {
 public:
  // How long step 1 waits for a server-first protocol.
  static constexpr Nanos kServerFirstWait = std::chrono::seconds(2);

  std::string_view name() const override { return "banner"; }
  std::string_view protocol() const override { return "unknown"; }
  boost::asio::awaitable<ProbeOutcome> run(ProbeSession& session) const override;
};

}  // namespace fumidai::scanner
