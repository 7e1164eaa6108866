#pragma once
// One listen entry as the event loops see it: where to listen (a TCP or a UDP
// port) and whom to play there. Contract: the persona and the TLS context are
// owned by DeviceServer and outlive every worker and session.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "PreparedPersona.h"

namespace fumidai::lab {

struct DeviceEndpoint {
  boost::asio::ip::tcp::endpoint address;  // for a UDP entry, the same address and port
  DevicePersona::Transport transport = DevicePersona::Transport::tcp;
  const PreparedPersona* persona = nullptr;
  // Set when sessions complete a TLS handshake before behaving.
  boost::asio::ssl::context* tls = nullptr;
};

}  // namespace fumidai::lab
