#pragma once
// Probe module "socks": is this an open SOCKS proxy? Never sends credentials,
// and never asks for any destination but the canary (GrabOptions::canary).
//  1. SOCKS5 greeting offering "no authentication" only (05 01 00). The
//     server's choice is the verdict: no-auth → open; another method →
//     auth-required; 05 FF → a second connection offers GSSAPI and
//     username/password (05 02 01 02) only to learn whether it would take
//     one (auth-required, and it is closed there) or none (refused).
//  2. Open and a canary configured: one CONNECT to the canary, then a GET
//     with this target's token through the tunnel; the canary's proof in the
//     answer makes the relay proven (data.relay).
//  3. No SOCKS5 answer: with a canary, SOCKS4 on a fresh connection (a
//     SOCKS4 request always names a destination, so without a canary SOCKS4
//     is not tried: data.socks4 says so), relaying as in 2 when granted.
// data.verdict: open | auth-required | refused | not-socks; the record's
// protocol is socks5 or socks4 when one answered.
#include "fumidai/scanner/grab/ProbeModule.h"

namespace fumidai::scanner {

class SocksProbe final : public ProbeModule {
 public:
  std::string_view name() const override { return "socks"; }
  std::string_view protocol() const override { return "socks5"; }
  boost::asio::awaitable<ProbeOutcome> run(ProbeSession& session) const override;
};

}  // namespace fumidai::scanner
