#pragma once
// Probe modules "openvpn" (TCP) and "openvpn-udp" (UDP): send a
// P_CONTROL_HARD_RESET_CLIENT_V2 from a random session ID and record the
// packet that acknowledges it (P_CONTROL_HARD_RESET_SERVER_V2 from a
// server without tls-auth). A server with tls-auth or tls-crypt drops the
// reset unread: over UDP the grab ends in io-timeout (unknown, never
// closed), over TCP the server closes (protocol-error); data.note says
// what that may mean. Never starts TLS.
#include "fumidai/scanner/grab/ProbeModule.h"

namespace fumidai::scanner {

class OpenVpnProbe final : public ProbeModule {
 public:
  explicit OpenVpnProbe(Transport transport) : transport_(transport) {}
  std::string_view name() const override { return transport_ == Transport::udp ? "openvpn-udp" : "openvpn"; }
  std::string_view protocol() const override { return "openvpn"; }
  Transport transport() const override { return transport_; }
  boost::asio::awaitable<ProbeOutcome> run(ProbeSession& session) const override;

 private:
  Transport transport_;
};

}  // namespace fumidai::scanner
