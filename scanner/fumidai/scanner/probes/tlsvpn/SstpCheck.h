#pragma once
// SSTP (MS-SSTP, 3.2.4.1 and 3.3.4.1): a client opens the tunnel with
//   SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1
//   Host: ...
//   SSTPCORRELATIONID: {GUID}
//   Content-Length: 18446744073709551615
// over TLS, and an SSTP server (Windows RRAS, MikroTik, SoftEther) answers
// "HTTP/1.1 200" with that same Content-Length: the rest of the connection
// is the tunnel. A web server answers 4xx/5xx or closes; some wait for the
// body that never comes (ocserv does), which costs one read timeout.
//
// check_sstp() sends the request on a fresh connection (TLS again) and reads
// only the response head; it never sends an SSTP packet.
// Contract: runs inside the engine's coroutine for this session.
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "fumidai/scanner/grab/ProbeSession.h"
#include "fumidai/scanner/probes/http/HttpResponse.h"

namespace fumidai::scanner {

// The request, exactly the headers Windows' client sends.
std::string sstp_duplex_post_request(std::string_view host);

// The response head is an SSTP server's: status 200 and a Content-Length of
// 2^64-1.
bool is_sstp_answer(const HttpResponse& response);

struct SstpCheck {
  bool answered = false;     // is_sstp_answer()
  boost::json::object data;  // status_code, server, content_length, error
};

boost::asio::awaitable<SstpCheck> check_sstp(ProbeSession& session);

}  // namespace fumidai::scanner
