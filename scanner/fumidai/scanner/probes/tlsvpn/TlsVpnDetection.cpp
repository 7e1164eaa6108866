#include "fumidai/scanner/probes/tlsvpn/TlsVpnDetection.h"

#include "fumidai/scanner/probes/text/SafeText.h"
#include "fumidai/scanner/probes/tlsvpn/SslVpnPortalRules.h"
#include "fumidai/scanner/probes/tlsvpn/SstpCheck.h"

namespace fumidai::scanner {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

json::object portal(const SslVpnPortalRules::Rule& rule, bool confirmed) {
  json::object o;
  o["product"] = rule.product;
  o["confirmed"] = confirmed;
  o["evidence"] = json::array();
  return o;
}

void add_evidence(json::object& sslvpn, std::string_view request, const SslVpnPortalRules::Condition& condition) {
  sslvpn["evidence"].as_array().emplace_back(json_safe_text(std::string(request) + ": " + condition.describe()));
}

// A VPN answered: the record is that protocol's, whatever GET / said.
void found(ProbeOutcome& outcome, std::string_view protocol) {
  outcome.protocol = protocol;
  outcome.status = GrabStatus::success;
  outcome.error.clear();
}

// The hinted product's follow-up GET; confirms it or leaves it unconfirmed.
asio::awaitable<void> follow_up(ProbeSession& session, const SslVpnPortalRules::Match& hint, ProbeOutcome& outcome) {
  const SslVpnPortalRules::Rule& rule = *hint.rule;
  json::object sslvpn = portal(rule, false);
  add_evidence(sslvpn, "GET /", *hint.condition);
  json::object request;
  request["path"] = json_safe_text(rule.follow);
  const IoStatus connected = co_await session.reconnect();
  if (connected.ok()) {
    const GrabTarget& target = session.target();
    HttpResponseParser parser({}, session.options().http);
    const HttpExchange ex = co_await http_exchange(
        session, http_request("GET", rule.follow, http_host(target.ip, target.port, true), session.options()), parser);
    const HttpResponse& r = parser.response();
    if (r.status != 0) request["status_code"] = r.status;
    if (!ex.complete) {
      request["error"] = json_safe_text(ex.parse_error ? ex.parse_error->message : ex.io.message);
    } else {
      if (r.title) request["title"] = *r.title;
      if (const auto* c = SslVpnPortalRules::confirming(rule, r)) {
        sslvpn["confirmed"] = true;
        add_evidence(sslvpn, "GET " + rule.follow, *c);
        found(outcome, "sslvpn");
      }
    }
  } else {
    request["error"] = connected.message;
  }
  sslvpn["follow_up"] = std::move(request);
  outcome.data["sslvpn"] = std::move(sslvpn);
}

}  // namespace

asio::awaitable<void> detect_tls_vpn(ProbeSession& session, HttpPage& page) {
  const SslVpnPortalRules& rules = SslVpnPortalRules::built_in();
  ProbeOutcome& outcome = page.outcome;
  if (page.response) {
    if (const auto match = rules.confirmed(*page.response)) {
      json::object sslvpn = portal(*match->rule, true);
      add_evidence(sslvpn, "GET /", *match->condition);
      outcome.data["sslvpn"] = std::move(sslvpn);
      found(outcome, "sslvpn");
      co_return;
    }
  }
  SstpCheck sstp = co_await check_sstp(session);
  sstp.data["answered"] = sstp.answered;
  outcome.data["sstp"] = std::move(sstp.data);
  if (sstp.answered) {
    found(outcome, "sstp");
    co_return;
  }
  if (!page.response) co_return;
  if (const auto hint = rules.hinted(*page.response)) co_await follow_up(session, *hint, outcome);
}

}  // namespace fumidai::scanner
