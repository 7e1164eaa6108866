#include "fumidai/scanner/probes/relay/CanaryFetch.h"

#include <fmt/format.h>

#include "fumidai/scanner/canary/CanaryToken.h"
#include "fumidai/scanner/probes/ProbeIo.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {

HttpLimits proxy_response_limits() {
  HttpLimits limits;
  limits.max_header_bytes = 16 * 1024;
  limits.max_body_bytes = 16 * 1024;
  return limits;
}

std::string canary_request(const CanaryEndpoint& canary, std::string_view token, CanaryRequestForm form,
                           std::string_view user_agent) {
  const std::string authority = canary.authority();
  const std::string target = form == CanaryRequestForm::absolute
                                 ? fmt::format("http://{}{}{}", authority, kCanaryPathPrefix, token)
                                 : fmt::format("{}{}", kCanaryPathPrefix, token);
  return fmt::format(
      "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: {}\r\nAccept: */*\r\nAccept-Encoding: identity\r\n"
      "Connection: close\r\n\r\n",
      target, authority, user_agent);
}

// Built outside the coroutines: GCC 12 rejects initializer lists in them
// ("array used as initializer").
boost::json::object relay_record(const std::string& token) {
  return {{"tested", true}, {"token", token}, {"granted", false}, {"proven", false}};
}

boost::json::object relay_not_tested() { return {{"tested", false}, {"reason", "no canary configured"}}; }

boost::asio::awaitable<boost::json::object> fetch_canary_through_tunnel(ProbeSession& session,
                                                                        const CanaryEndpoint& canary,
                                                                        std::string_view token) {
  HttpResponseParser parser({"", false}, proxy_response_limits());
  const HttpExchange exchange = co_await http_exchange(
      session, canary_request(canary, token, CanaryRequestForm::origin, session.options().user_agent), parser);
  boost::json::object o;
  const HttpResponse& response = parser.response();
  if (response.status != 0) o["status_code"] = response.status;
  o["proven"] = exchange.complete && response.status == 200 && canary.key.proves(response.body, token);
  if (exchange.parse_error) {
    o["error"] = json_safe_text(exchange.parse_error->message);
    o["first_bytes"] = json_safe_text(parser.first_bytes());
  } else if (!exchange.complete) {
    o["error"] = exchange.io.message;
  }
  co_return o;
}

}  // namespace fumidai::scanner
