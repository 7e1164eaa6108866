#include "fumidai/scanner/probes/httpproxy/HttpProxyProbe.h"

#include <fmt/format.h>

#include <vector>

#include "fumidai/scanner/canary/CanaryToken.h"
#include "fumidai/scanner/probes/httpproxy/HttpProxyVerdict.h"
#include "fumidai/scanner/probes/relay/CanaryFetch.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

std::string plain_request(std::string_view user_agent) {
  return fmt::format("GET / HTTP/1.0\r\nUser-Agent: {}\r\nAccept: */*\r\n\r\n", user_agent);
}

std::string connect_request(const CanaryEndpoint& canary, std::string_view user_agent) {
  const std::string authority = canary.authority();
  return fmt::format("CONNECT {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: {}\r\n\r\n", authority, authority, user_agent);
}

json::object describe(const HttpResponse& r, const ProxyTraits& traits) {
  json::object o;
  o["status_code"] = r.status;
  o["status_line"] = json_safe_text(fmt::format("{} {} {}", r.version, r.status, r.reason));
  if (auto server = r.server()) o["server"] = json_safe_text(*server);
  // Recorded, never followed.
  if (auto location = r.location()) o["location"] = json_safe_text(*location);
  if (traits.via) o["via"] = json_safe_text(*traits.via);
  if (traits.auth_scheme || traits.auth_realm) {
    json::object challenge;
    if (traits.auth_scheme) challenge["scheme"] = json_safe_text(*traits.auth_scheme);
    if (traits.auth_realm) challenge["realm"] = json_safe_text(*traits.auth_realm);
    o["proxy_authenticate"] = std::move(challenge);
  }
  if (traits.squid_error) o["x_squid_error"] = json_safe_text(*traits.squid_error);
  if (traits.software) o["software"] = *traits.software;
  json::array hints;
  for (const auto& hint : traits.hints) hints.emplace_back(hint);
  o["proxy_hints"] = std::move(hints);
  return o;
}

// One request and its answer, recorded in `record`.
struct Asked {
  HttpExchange exchange;
  HttpResponse response;  // complete when exchange.complete
  ProxyAnswer answer;
  json::object record;
};

Asked asked_from(const HttpExchange& exchange, HttpResponseParser& parser) {
  Asked asked;
  asked.exchange = exchange;
  if (exchange.complete) {
    asked.response = parser.take_response();
    asked.answer.status = asked.response.status;
    asked.answer.traits = find_proxy_traits(asked.response);
    asked.record = describe(asked.response, asked.answer.traits);
  } else if (exchange.parse_error) {
    asked.record["error"] = json_safe_text(exchange.parse_error->message);
    asked.record["first_bytes"] = json_safe_text(parser.first_bytes());
  } else {
    asked.record["error"] = exchange.io.message;
  }
  return asked;
}

// Fills `asked` rather than returning it: GCC 12 reports a mismatched
// coroutine frame delete (-Wmismatched-new-delete) for an awaitable<Asked>.
asio::awaitable<void> ask(ProbeSession& session, std::string_view request, bool head_only, Asked& asked) {
  HttpResponseParser parser({"", head_only}, proxy_response_limits());
  const HttpExchange exchange = co_await http_exchange(session, request, parser);
  asked = asked_from(exchange, parser);
}

// The request's failure as the grab's, when nothing was answered at all.
ProbeOutcome failure_of(const Asked& asked, json::object data) {
  data["verdict"] = "not-a-proxy";
  if (asked.exchange.parse_error) {
    ProbeOutcome outcome;
    outcome.status = GrabStatus::protocol_error;
    outcome.error = json_safe_text(asked.exchange.parse_error->message);
    outcome.data = std::move(data);
    return outcome;
  }
  return outcome_from_io(asked.exchange.io, std::move(data));
}

ProbeOutcome judged(const std::vector<ProxyAnswer>& answers, bool relay_tested, json::object data) {
  const HttpProxyVerdict verdict = judge_http_proxy(answers, relay_tested);
  data["verdict"] = to_string(verdict);
  ProbeOutcome outcome;
  outcome.data = std::move(data);
  if (verdict == HttpProxyVerdict::not_a_proxy) {
    outcome.status = GrabStatus::protocol_error;
    outcome.error = "http-proxy: answered as an origin server, not as a proxy";
    outcome.protocol = "http";
  }
  return outcome;
}

asio::awaitable<ProbeOutcome> without_canary(ProbeSession& session) {
  Asked plain;
  co_await ask(session, plain_request(session.options().user_agent), false, plain);
  json::object data;
  data["relay"] = relay_not_tested();
  data["plain"] = plain.record;
  if (!plain.exchange.complete) co_return failure_of(plain, std::move(data));
  co_return judged({plain.answer}, false, std::move(data));
}

// A 2xx to CONNECT opens a tunnel and has no body (RFC 9110, 9.3.6): a 2xx
// with one is an origin server answering whatever it is asked.
bool tunnel_granted(const HttpResponse& response) {
  return response.status >= 200 && response.status < 300 && response.content_length.value_or(0) == 0 &&
         !response.header("Transfer-Encoding");
}

// b. CONNECT to the canary on a fresh connection, and the token's GET
// through the tunnel if there is one.
asio::awaitable<void> try_connect(ProbeSession& session, const CanaryEndpoint& canary, const std::string& token,
                                  std::vector<ProxyAnswer>& answers, json::object& data) {
  const IoStatus connected = co_await session.reconnect();
  if (!connected.ok()) {
    data["connect"].emplace_object()["error"] = connected.message;
    co_return;
  }
  Asked connect;
  co_await ask(session, connect_request(canary, session.options().user_agent), true, connect);
  if (connect.exchange.complete) {
    connect.answer.granted = tunnel_granted(connect.response);
    connect.record["granted"] = connect.answer.granted;
    if (connect.answer.granted) {
      json::object tunnel = co_await fetch_canary_through_tunnel(session, canary, token);
      connect.answer.proven = tunnel.at("proven").as_bool();
      connect.record["tunnel"] = std::move(tunnel);
    }
    connect.record["proven"] = connect.answer.proven;
    answers.push_back(connect.answer);
  }
  data["connect"] = std::move(connect.record);
}

asio::awaitable<ProbeOutcome> with_canary(ProbeSession& session, const CanaryEndpoint& canary,
                                          const std::string& token) {
  json::object data;
  std::vector<ProxyAnswer> answers;

  // a. The absolute-form GET: the proxy fetches the canary's page itself.
  Asked get;
  co_await ask(session, canary_request(canary, token, CanaryRequestForm::absolute, session.options().user_agent), false,
               get);
  if (get.exchange.complete) {
    get.answer.proven = get.response.status == 200 && canary.key.proves(get.response.body, token);
    get.record["proven"] = get.answer.proven;
    answers.push_back(get.answer);
  }
  data["get"] = get.record;
  // A silent target, or one that does not speak HTTP, gets no second
  // request; one that closed on the GET may still take a CONNECT.
  const bool go_on = get.exchange.complete || (!get.exchange.parse_error && get.exchange.io.error != IoError::timeout);
  if (go_on) co_await try_connect(session, canary, token, answers, data);

  json::object relay = relay_record(token);
  json::array proven_by;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    if (answers[i].granted || answers[i].proven) relay["granted"] = true;
    // answers[0] is the GET's whenever the GET was answered.
    const bool is_get = i == 0 && get.exchange.complete;
    if (answers[i].proven) proven_by.emplace_back(is_get ? "absolute-get" : "connect");
  }
  relay["proven"] = !proven_by.empty();
  relay["proven_by"] = std::move(proven_by);
  data["relay"] = std::move(relay);
  if (answers.empty()) co_return failure_of(get, std::move(data));
  co_return judged(answers, true, std::move(data));
}

}  // namespace

asio::awaitable<ProbeOutcome> HttpProxyProbe::run(ProbeSession& session) const {
  const std::optional<CanaryEndpoint>& canary = session.options().canary;
  if (!canary) co_return co_await without_canary(session);
  auto token = make_canary_token();
  if (!token) co_return outcome_from_error(token.error());
  co_return co_await with_canary(session, *canary, *token);
}

}  // namespace fumidai::scanner
