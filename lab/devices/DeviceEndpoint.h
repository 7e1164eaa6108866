#pragma once
// One listen entry as the event loops see it: where to listen and whom to
// play there. Contract: the persona and the TLS context are owned by
// DeviceServer and outlive every worker and session.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "PreparedPersona.h"

namespace fumidai::lab {

struct DeviceEndpoint {
  boost::asio::ip::tcp::endpoint address;
  const PreparedPersona* persona = nullptr;
  // Set when sessions complete a TLS handshake before behaving.
  boost::asio::ssl::context* tls = nullptr;
};

}  // namespace fumidai::lab
