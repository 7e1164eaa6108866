#include "fumidai/scanner/probes/tlsvpn/SstpCheck.h"

#include <fmt/format.h>

#include <limits>

#include "fumidai/scanner/probes/http/HttpGrab.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {

std::string sstp_duplex_post_request(std::string_view host) {
  // A fixed correlation ID: it only ties the server's logs together, and a
  // constant one names the scanner there.
  return fmt::format(
      "SSTP_DUPLEX_POST /sra_{{BA195980-CD49-458b-9E23-C84EE0ADCD75}}/ HTTP/1.1\r\n"
      "Host: {}\r\n"
      "SSTPCORRELATIONID: {{6675D1DA-0000-4000-8000-66756D696461}}\r\n"
      "Content-Length: 18446744073709551615\r\n"
      "\r\n",
      host);
}

bool is_sstp_answer(const HttpResponse& response) {
  return response.status == 200 && response.content_length == std::numeric_limits<std::uint64_t>::max();
}

boost::asio::awaitable<SstpCheck> check_sstp(ProbeSession& session) {
  SstpCheck check;
  const IoStatus connected = co_await session.reconnect();
  if (!connected.ok()) {
    check.data["error"] = connected.message;
    co_return check;
  }
  const GrabTarget& target = session.target();
  HttpResponseParser parser({}, session.options().http);
  const HttpExchange ex = co_await http_exchange(
      session, sstp_duplex_post_request(http_host(target.ip, target.port, true)), parser, HttpReadUntil::headers);
  const HttpResponse& r = parser.response();
  if (r.status != 0) check.data["status_code"] = r.status;
  if (const auto server = r.server()) check.data["server"] = json_safe_text(*server);
  if (r.content_length)
    check.data["content_length"] = std::to_string(*r.content_length);  // 2^64-1 exceeds JSON's safe integers
  if (!ex.complete) {
    check.data["error"] = json_safe_text(ex.parse_error ? ex.parse_error->message : ex.io.message);
    co_return check;
  }
  check.answered = is_sstp_answer(r);
  co_return check;
}

}  // namespace fumidai::scanner
