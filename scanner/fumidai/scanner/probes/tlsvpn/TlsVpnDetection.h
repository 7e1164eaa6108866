#pragma once
// What the "https" module adds after GET /: is this TLS port a VPN? At most
// two more requests, each on a fresh connection to the same address and
// port:
//   1. SSL VPN portal rules (SslVpnPortalRules) on the GET / answer; a
//      confirmed product ends here, with no request at all.
//   2. SSTP: one SSTP_DUPLEX_POST (SstpCheck.h). An SSTP server ends here.
//   3. When a portal rule hinted at a product, its one follow-up GET, and
//      the product's confirm conditions on that answer.
// Findings: data.sstp {answered, status_code, server, content_length,
// error}; data.sslvpn {product, confirmed, evidence[], follow_up} when a
// rule matched. The record's protocol becomes "sslvpn" for a confirmed
// portal, "sstp" for an SSTP answer, and stays "http" otherwise.
// Contract: runs inside the engine's coroutine for this session, on a TLS
// session whose GET / did not time out.
#include <boost/asio/awaitable.hpp>

#include "fumidai/scanner/probes/http/HttpGrab.h"

namespace fumidai::scanner {

boost::asio::awaitable<void> detect_tls_vpn(ProbeSession& session, HttpPage& page);

}  // namespace fumidai::scanner
