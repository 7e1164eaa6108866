#include "fumidai/fingerprints/RecordFields.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <array>
#include <cmath>
#include <boost/json/array.hpp>
#include <string>

namespace fumidai::fingerprints {
namespace {

namespace json = boost::json;

// A scalar as rule text: strings as they are, integers in decimal, booleans
// as "true"/"false"; anything else has no text.
std::optional<std::string> text(const json::value* v) {
  if (v == nullptr) return std::nullopt;
  if (const auto* s = v->if_string()) return std::string(*s);
  if (const auto* i = v->if_int64()) return std::to_string(*i);
  if (const auto* u = v->if_uint64()) return std::to_string(*u);
  if (const auto* b = v->if_bool()) return std::string(*b ? "true" : "false");
  return std::nullopt;
}

const json::object* object_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v == nullptr ? nullptr : v->if_object();
}

std::optional<std::string_view> string_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string_view(v->get_string());
}

void add(FieldSet& fields, std::string_view name, const json::object& o, std::string_view key) {
  if (auto value = text(o.if_contains(key))) fields.add(name, std::move(*value));
}

// A list of scalars: one value each.
void add_list(FieldSet& fields, std::string_view name, const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_array()) return;
  for (const json::value& item : v->get_array())
    if (auto value = text(&item)) fields.add(name, std::move(*value));
}

bool is_one_of(std::string_view protocol, std::initializer_list<std::string_view> names) {
  for (std::string_view name : names)
    if (protocol == name) return true;
  return false;
}

bool is_proxy(std::string_view protocol) { return protocol.starts_with("socks") || protocol == "http-proxy"; }

void add_http(FieldSet& fields, std::string_view protocol, const json::object& data) {
  if (is_one_of(protocol, {"http", "https", "sslvpn", "sstp", "cwmp"})) {
    add(fields, "http.status", data, "status_code");
  } else if (protocol == "upnp") {
    if (const auto* description = object_at(data, "description"))
      add(fields, "http.status", *description, "status_code");
  }
  add(fields, "http.title", data, "title");
  add(fields, "http.server", data, "server");
  add(fields, "http.body", data, "body");
  add(fields, "http.location", data, "location");
  add(fields, "http.realm", data, "www_authenticate_realm");
  if (const auto* headers = object_at(data, "headers")) {
    add(fields, "http.www_authenticate", *headers, "www-authenticate");
    std::string name;
    for (const auto& [key, value] : *headers) {
      auto v = text(&value);
      if (!v) continue;
      // The schema stores names in lower case already; stored records from
      // elsewhere may not.
      name.assign("http.headers.");
      for (char c : std::string_view(key)) name.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
      fields.add(name, std::move(*v));
    }
  }
  add_list(fields, "http.cookie_names", data, "set_cookie_names");
  if (const auto* favicon = object_at(data, "favicon")) {
    add(fields, "http.favicon.mmh3", *favicon, "mmh3");
    add(fields, "http.favicon.md5", *favicon, "md5");
  }
}

void add_tls(FieldSet& fields, const json::object& data) {
  const auto* tls = object_at(data, "tls");
  const auto* certificate = tls == nullptr ? nullptr : object_at(*tls, "certificate");
  if (certificate == nullptr) return;
  add(fields, "tls.subject", *certificate, "subject");
  add(fields, "tls.issuer", *certificate, "issuer");
  add(fields, "tls.subject_cn", *certificate, "subject_cn");
  add_list(fields, "tls.sans", *certificate, "sans");
}

void add_upnp(FieldSet& fields, const json::object& data) {
  if (const auto* ssdp = object_at(data, "ssdp")) {
    add(fields, "upnp.server", *ssdp, "server");
    add(fields, "upnp.location", *ssdp, "location");
    add(fields, "upnp.usn", *ssdp, "usn");
  }
  const auto* description = object_at(data, "description");
  if (description == nullptr) return;
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kDescription{{
      {"upnp.manufacturer", "manufacturer"},
      {"upnp.model_name", "model_name"},
      {"upnp.model_number", "model_number"},
      {"upnp.model_description", "model_description"},
      {"upnp.friendly_name", "friendly_name"},
      {"upnp.device_type", "device_type"},
      {"upnp.manufacturer_url", "manufacturer_url"},
  }};
  for (const auto& [name, key] : kDescription) add(fields, name, *description, key);
  add_list(fields, "upnp.service_types", *description, "service_types");
}

// PPTP and L2TP name the same three things in the same keys.
void add_tunnel(FieldSet& fields, std::string_view prefix, const json::object& data) {
  const std::string p(prefix);
  add(fields, p + ".vendor", data, "vendor");
  add(fields, p + ".hostname", data, "host_name");
  add(fields, p + ".firmware", data, "firmware_revision");
}

void add_ike(FieldSet& fields, const json::object& data) {
  if (const json::value* ids = data.if_contains("vendor_ids"); ids != nullptr && ids->is_array()) {
    for (const json::value& id : ids->get_array()) {
      const auto* entry = id.if_object();
      if (entry == nullptr) continue;
      add(fields, "ike.vendor_ids", *entry, "name");
      add(fields, "ike.vendor_id_hex", *entry, "hex");
    }
  }
  add_list(fields, "ike.versions", data, "versions");
}

void add_cwmp(FieldSet& fields, const json::object& data) {
  const auto* cwmp = object_at(data, "cwmp");
  if (cwmp == nullptr) return;
  add(fields, "cwmp.server", *cwmp, "server");
  add(fields, "cwmp.realm", *cwmp, "realm");
  add_list(fields, "cwmp.hints", *cwmp, "hints");
}

void add_tls_vpn(FieldSet& fields, const json::object& data) {
  if (const auto* sstp = object_at(data, "sstp")) add(fields, "sstp.answered", *sstp, "answered");
  if (const auto* sslvpn = object_at(data, "sslvpn")) {
    const json::value* confirmed = sslvpn->if_contains("confirmed");
    if (confirmed != nullptr && confirmed->is_bool() && confirmed->get_bool())
      add(fields, "sslvpn.product", *sslvpn, "product");
  }
}

void add_proxy(FieldSet& fields, std::string_view protocol, const json::object& data) {
  add(fields, "proxy.verdict", data, "verdict");
  for (std::string_view answer_key : {"get", "connect", "plain"}) {
    const auto* answer = object_at(data, answer_key);
    if (answer == nullptr) continue;
    add(fields, "proxy.software", *answer, "software");
    add(fields, "proxy.server", *answer, "server");
    add(fields, "proxy.via", *answer, "via");
  }
  if (protocol.starts_with("socks")) {
    add(fields, "socks.version", data, "version");
    add(fields, "socks.method", data, "method");
  }
}

bool is_ipv4(std::string_view text) {
  if (text.size() > INET_ADDRSTRLEN - 1) return false;
  char buffer[INET_ADDRSTRLEN] = {};
  text.copy(buffer, text.size());
  in_addr address{};
  return ::inet_pton(AF_INET, buffer, &address) == 1;
}

}  // namespace

Result<RecordHead> read_record_head(const json::object& record) {
  RecordHead head;
  const auto required_string = [&](std::string_view key) -> Result<std::string_view> {
    auto s = string_at(record, key);
    if (!s || s->empty()) return make_input_error(fmt::format("not a service record: no \"{}\" string", key));
    return *s;
  };
  auto ip = required_string("ip");
  if (!ip) return ip.error();
  if (!is_ipv4(*ip)) return make_input_error("not a service record: \"ip\" is not an IPv4 address");
  head.ip = *ip;
  // JSON parsers read a port as a signed 64-bit integer; 80.0 or "80" is not one.
  const json::value* port = record.if_contains("port");
  if (port == nullptr || !port->is_int64() || port->get_int64() < 1 || port->get_int64() > 65535)
    return make_input_error("not a service record: \"port\" is not a port number (1-65535)");
  head.port = static_cast<std::uint16_t>(port->get_int64());
  auto transport = required_string("transport");
  if (!transport) return transport.error();
  if (*transport != "tcp" && *transport != "udp")
    return make_input_error("not a service record: \"transport\" is neither tcp nor udp");
  head.transport = *transport;
  auto protocol = required_string("protocol");
  if (!protocol) return protocol.error();
  head.protocol = *protocol;
  auto status = required_string("status");
  if (!status) return status.error();
  head.status = *status;
  if (object_at(record, "data") == nullptr) return make_input_error("not a service record: no \"data\" object");
  if (const json::value* ptr = record.if_contains("ptr"); ptr != nullptr && !ptr->is_null()) {
    if (!ptr->is_string()) return make_input_error("not a service record: \"ptr\" is neither a string nor null");
    head.ptr = std::string_view(ptr->get_string());
  }
  return head;
}

FieldSet record_fields(const json::object& record) {
  RecordHead head;
  if (const json::value* port = record.if_contains("port"); port != nullptr && port->is_int64()) {
    const std::int64_t p = port->get_int64();
    if (p >= 1 && p <= 65535) head.port = static_cast<std::uint16_t>(p);
  }
  head.transport = string_at(record, "transport").value_or("");
  head.protocol = string_at(record, "protocol").value_or("");
  head.status = string_at(record, "status").value_or("");
  head.ptr = string_at(record, "ptr");
  static const json::object kNoData;
  const json::object* data = object_at(record, "data");
  return record_fields(head, data != nullptr ? *data : kNoData);
}

FieldSet record_fields(const RecordHead& head, const json::object& data) {
  FieldSet fields;
  fields.add("service.protocol", std::string(head.protocol));
  if (head.port != 0) fields.add("service.port", std::to_string(head.port));
  fields.add("service.transport", std::string(head.transport));
  fields.add("service.status", std::string(head.status));
  if (head.ptr) fields.add("ptr", std::string(*head.ptr));

  const std::string_view protocol = head.protocol;
  add_http(fields, protocol, data);
  add_tls(fields, data);
  if (is_one_of(protocol, {"ssh", "telnet", "ftp"})) add(fields, std::string(protocol) + ".banner", data, "banner");
  if (protocol == "upnp") add_upnp(fields, data);
  if (protocol == "pptp" || protocol == "l2tp") add_tunnel(fields, protocol, data);
  if (protocol == "ike") add_ike(fields, data);
  if (protocol == "openvpn") add(fields, "openvpn.message", data, "message");
  add_cwmp(fields, data);
  add_tls_vpn(fields, data);
  if (is_proxy(protocol)) add_proxy(fields, protocol, data);
  return fields;
}

bool all_numbers_finite(const boost::json::value& value) {
  // Parsing bounds the nesting depth (Boost.JSON's default, 32), so recursion is bounded too.
  if (value.is_double()) return std::isfinite(value.get_double());
  if (value.is_array()) {
    for (const auto& item : value.get_array())
      if (!all_numbers_finite(item)) return false;
  }
  if (value.is_object()) {
    for (const auto& member : value.get_object())
      if (!all_numbers_finite(member.value())) return false;
  }
  return true;
}

}  // namespace fumidai::fingerprints
