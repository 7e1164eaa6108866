#include "fumidai/scanner/probes/upnp/UpnpProbe.h"

#include <fmt/format.h>

#include <array>

#include "fumidai/scanner/probes/ProbeIo.h"
#include "fumidai/scanner/probes/http/AsciiText.h"
#include "fumidai/scanner/probes/http/HttpGrab.h"
#include "fumidai/scanner/probes/text/SafeText.h"
#include "fumidai/scanner/probes/upnp/SsdpResponse.h"
#include "fumidai/scanner/probes/upnp/UpnpDescription.h"
#include "fumidai/scanner/probes/upnp/UpnpLocation.h"
#include "fumidai/scanner/target/Ipv4.h"

namespace fumidai::scanner {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

void set_if(json::object& o, std::string_view key, const std::optional<std::string>& value) {
  if (value) o[key] = json_safe_text(*value);
}

void describe_device(const UpnpDescription& d, json::object& o) {
  set_if(o, "spec_version", d.spec_version);
  set_if(o, "url_base", d.url_base);
  set_if(o, "device_type", d.root.device_type);
  set_if(o, "friendly_name", d.root.friendly_name);
  set_if(o, "manufacturer", d.root.manufacturer);
  set_if(o, "manufacturer_url", d.root.manufacturer_url);
  set_if(o, "model_name", d.root.model_name);
  set_if(o, "model_number", d.root.model_number);
  set_if(o, "model_description", d.root.model_description);
  set_if(o, "udn", d.root.udn);
  set_if(o, "presentation_url", d.root.presentation_url);
  json::array devices;
  for (const std::string& type : d.embedded_device_types) devices.emplace_back(json_safe_text(type));
  o["embedded_device_types"] = std::move(devices);
  json::array services;
  for (const std::string& type : d.service_types) services.emplace_back(json_safe_text(type));
  o["service_types"] = std::move(services);
  o["lists_truncated"] = d.lists_truncated;
  o["wan_connection_service"] = d.has_wan_connection_service();
}

struct DescriptionFetch {
  json::object data;
  std::string protocol_error;  // what the device served is not a valid description; empty: none
};

// Fetches and parses the description named by `location`. Anything short of
// a protocol error (unreachable, an HTTP error status) stays in
// data["error"].
asio::awaitable<DescriptionFetch> fetch_description(ProbeSession& session, std::string_view location) {
  DescriptionFetch fetch;
  json::object& description = fetch.data;
  description["location"] = json_safe_text(location);
  description["fetched"] = false;
  const auto parts = parse_upnp_location(location);
  if (!parts) {
    description["error"] = json_safe_text(parts.error().message);
    co_return fetch;
  }
  const std::string address = format_ipv4(session.target().ip);
  const std::string host = http_host(session.target().ip, parts->port, false);
  description["location_host"] = json_safe_text(parts->host);
  description["location_host_rewritten"] = parts->host != address;
  description["url"] = fmt::format("http://{}{}", host, parts->path);

  const IoStatus connected = co_await session.connect_tcp(parts->port);
  if (!connected.ok()) {
    description["error"] = connected.message;
    co_return fetch;
  }
  HttpLimits limits = session.options().http;
  limits.max_body_bytes = UpnpProbe::kMaxDescriptionBytes;
  HttpResponseParser parser({}, limits);
  const HttpExchange ex =
      co_await http_exchange(session, http_request("GET", parts->path, host, session.options()), parser);
  const HttpResponse& response = parser.response();
  if (response.status != 0) description["status_code"] = response.status;
  if (const auto server = response.server()) description["server"] = json_safe_text(*server);
  if (ex.parse_error) {
    fetch.protocol_error = "upnp description: " + ex.parse_error->message;
  } else if (!ex.complete) {
    description["error"] = ex.io.message;
  } else {
    description["fetched"] = true;
    description["body_length"] = response.body.size();
    if (response.status != 200) {
      description["error"] = fmt::format("HTTP status {}", response.status);
    } else if (response.body_truncated) {
      fetch.protocol_error = fmt::format("upnp description over {} bytes", UpnpProbe::kMaxDescriptionBytes);
    } else if (auto parsed = parse_upnp_description(response.body); !parsed) {
      fetch.protocol_error = "upnp description: " + parsed.error().message;
    } else {
      describe_device(*parsed, description);
    }
  }
  co_return fetch;
}

}  // namespace

asio::awaitable<ProbeOutcome> UpnpProbe::run(ProbeSession& session) const {
  std::array<std::uint8_t, SsdpResponse::kMaxDatagramBytes> buffer;
  std::optional<SsdpResponse> ssdp;
  const ReadResult read = co_await udp_exchange(session, as_bytes(ssdp_search_request()), buffer, [&](auto datagram) {
    // NOTIFYs, M-SEARCHes of other hosts and error answers are not ours.
    auto parsed = parse_ssdp_response(datagram);
    if (parsed && parsed->status == 200) ssdp = std::move(*parsed);
    return ssdp.has_value();
  });
  if (!read.status.ok()) co_return outcome_from_io(read.status);
  ProbeOutcome outcome;
  outcome.data["ssdp"] = describe_ssdp(*ssdp);
  if (!ssdp->location) co_return outcome;
  DescriptionFetch fetch = co_await fetch_description(session, *ssdp->location);
  if (!fetch.protocol_error.empty()) {
    outcome.status = GrabStatus::protocol_error;
    outcome.error = json_safe_text(fetch.protocol_error);
  }
  outcome.data["description"] = std::move(fetch.data);
  co_return outcome;
}

}  // namespace fumidai::scanner
