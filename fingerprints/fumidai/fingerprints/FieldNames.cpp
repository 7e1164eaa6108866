#include "fumidai/fingerprints/FieldNames.h"

#include <algorithm>
#include <array>

namespace fumidai::fingerprints {

namespace {

constexpr std::array<std::string_view, 54> kRecordFields = {"service.protocol",
                                                            "service.port",
                                                            "service.transport",
                                                            "service.status",
                                                            "ptr",
                                                            "http.status",
                                                            "http.title",
                                                            "http.server",
                                                            "http.body",
                                                            "http.location",
                                                            "http.www_authenticate",
                                                            "http.realm",
                                                            "http.cookie_names",
                                                            "http.favicon.mmh3",
                                                            "http.favicon.md5",
                                                            "tls.subject",
                                                            "tls.issuer",
                                                            "tls.subject_cn",
                                                            "tls.sans",
                                                            "ssh.banner",
                                                            "telnet.banner",
                                                            "ftp.banner",
                                                            "upnp.server",
                                                            "upnp.location",
                                                            "upnp.usn",
                                                            "upnp.manufacturer",
                                                            "upnp.model_name",
                                                            "upnp.model_number",
                                                            "upnp.model_description",
                                                            "upnp.friendly_name",
                                                            "upnp.device_type",
                                                            "upnp.manufacturer_url",
                                                            "upnp.service_types",
                                                            "pptp.vendor",
                                                            "pptp.hostname",
                                                            "pptp.firmware",
                                                            "l2tp.vendor",
                                                            "l2tp.hostname",
                                                            "l2tp.firmware",
                                                            "ike.vendor_ids",
                                                            "ike.vendor_id_hex",
                                                            "ike.versions",
                                                            "openvpn.message",
                                                            "cwmp.server",
                                                            "cwmp.realm",
                                                            "cwmp.hints",
                                                            "sstp.answered",
                                                            "sslvpn.product",
                                                            "proxy.verdict",
                                                            "proxy.software",
                                                            "proxy.server",
                                                            "proxy.via",
                                                            "socks.version",
                                                            "socks.method"};

constexpr std::array<std::string_view, 7> kFingerprintFields = {"fp.id",     "fp.category", "fp.vendor", "fp.product",
                                                                "fp.device", "fp.tags",     "fp.eol"};

constexpr std::string_view kHeaderPrefix = "http.headers.";

// Header names as the record stores them: lower case, RFC 9110 token
// characters without upper-case letters.
bool header_name(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

bool contains(std::span<const std::string_view> list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

}  // namespace

std::span<const std::string_view> FieldNames::record_fields() { return kRecordFields; }
std::span<const std::string_view> FieldNames::fingerprint_fields() { return kFingerprintFields; }

bool FieldNames::known(std::string_view name, FieldScope scope) {
  if (name.starts_with(kHeaderPrefix)) return header_name(name.substr(kHeaderPrefix.size()));
  if (contains(kRecordFields, name)) return true;
  if (scope != FieldScope::label) return false;
  if (name.starts_with("host.")) name.remove_prefix(5);
  return contains(kFingerprintFields, name);
}

}  // namespace fumidai::fingerprints
