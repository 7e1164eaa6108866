#include "fumidai/fingerprints/RecogOutput.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>

#include "fumidai/core/AsciiCase.h"

namespace fumidai::fingerprints {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

bool icontains(std::string_view text, std::string_view word) {
  for (std::size_t i = 0; i + word.size() <= text.size(); ++i)
    if (iequals(text.substr(i, word.size()), word)) return true;
  return false;
}

const std::string* value_of(const RecogFingerprint::Values& values, std::string_view name) {
  for (const auto& [key, value] : values)
    if (key == name && value && !value->empty()) return &*value;
  return nullptr;
}

std::string get(const RecogFingerprint::Values& values, std::string_view ns, std::string_view field) {
  const std::string* value = value_of(values, fmt::format("{}.{}", ns, field));
  return value != nullptr ? *value : std::string();
}

std::optional<double> parse_certainty(const std::string& text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !(value >= 0.0 && value <= 1.0))
    return std::nullopt;
  return value;
}

// Recog's device kinds → ours (fingerprints/README.md).
constexpr std::pair<std::string_view, std::string_view> kDevices[] = {
    {"Router", "router"},
    {"Broadband Router", "router"},
    {"WAP", "wap"},
    {"Wireless Access Point", "wap"},
    {"WLAN Repeater", "wap"},
    {"DSL Modem", "modem"},
    {"ADSL Modem", "modem"},
    {"Cable Modem", "modem"},
    {"DOCSIS Cable Modem", "modem"},
    {"Firewall", "firewall"},
    {"NAS", "nas"},
    {"IP Camera", "camera"},
    {"Web Cam", "camera"},
    {"VPN", "vpn-gateway"},
};

// Device kinds that make a fingerprint a router's (the home gateway family).
// Not "Firewall": Recog gives it to enterprise gateways (Cisco ASA,
// FortiGate), whose VPN is their purpose, not a stepping-stone signal.
constexpr std::string_view kRouterDevices[] = {
    "Router",    "Broadband Router", "WAP",         "Wireless Access Point",
    "DSL Modem", "ADSL Modem",       "Cable Modem", "DOCSIS Cable Modem",
};

// Forward-proxy software as Recog names it; reverse proxies and load
// balancers (HAProxy, Varnish, Traefik) are not proxies in our sense.
constexpr std::string_view kProxySoftware[] = {
    "Squid", "Tinyproxy", "Privoxy", "CCProxy", "3proxy", "Polipo", "WinGate", "Dante", "Web Proxy Server", "HttpProxy",
};

std::string category(const RecogFingerprint::Values& values, std::string_view device) {
  const std::string service_product = get(values, "service", "product");
  const std::string service_family = get(values, "service", "family");
  if (icontains(service_product, "vpn") || icontains(service_family, "vpn") || icontains(device, "vpn")) return "vpn";
  for (const std::string_view proxy : kProxySoftware)
    if (icontains(service_product, proxy) || icontains(service_family, proxy)) return "proxy";
  if (iequals(service_product, "Proxy") || iequals(service_family, "Proxy")) return "proxy";
  for (const std::string_view router : kRouterDevices)
    if (iequals(device, router)) return "router";
  return "other";
}

// One CPE URI component → its CPE 2.3 formatted-string form: empty is ANY,
// "-" is NA, %XX decodes (%01 and %02 are the wildcards ? and *), and every
// character but letters, digits, '_', '.' and '-' is quoted with '\'.
std::string fs_component(std::string_view uri) {
  if (uri.empty()) return "*";
  if (uri == "-") return "-";
  std::string out;
  for (std::size_t i = 0; i < uri.size(); ++i) {
    char c = uri[i];
    if (c == '%' && i + 2 < uri.size()) {
      unsigned byte = 0;
      const auto [end, ec] = std::from_chars(uri.data() + i + 1, uri.data() + i + 3, byte, 16);
      if (ec == std::errc() && end == uri.data() + i + 3) {
        i += 2;
        if (byte == 0x01 || byte == 0x02) {
          out += byte == 0x01 ? '?' : '*';
          continue;
        }
        c = static_cast<char>(byte);
      }
    }
    c = ascii_lower(c);
    if (c == ' ' || c == '\t') {
      out += '_';  // CPE has no blanks; interpolated versions may
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-') {
      out += c;
    } else {
      out += '\\';
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string cpe23_from_uri(std::string_view uri) {
  if (!uri.starts_with("cpe:/")) return std::string(uri);
  std::array<std::string_view, 7> parts{};  // part vendor product version update edition language
  std::string_view rest = uri.substr(5);
  for (std::size_t n = 0; n < parts.size() && !rest.empty(); ++n) {
    const std::size_t colon = n + 1 < parts.size() ? rest.find(':') : std::string_view::npos;
    parts[n] = rest.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
  }
  // A packed edition "~edition~sw_edition~target_sw~target_hw~other".
  std::array<std::string_view, 5> edition{parts[5]};
  if (parts[5].starts_with('~')) {
    std::string_view packed = parts[5].substr(1);
    for (std::size_t n = 0; n < edition.size(); ++n) {
      const std::size_t tilde = packed.find('~');
      edition[n] = packed.substr(0, tilde);
      packed = tilde == std::string_view::npos ? std::string_view() : packed.substr(tilde + 1);
    }
  }
  return fmt::format("cpe:2.3:{}:{}:{}:{}:{}:{}:{}:{}:{}:{}:{}", fs_component(parts[0]), fs_component(parts[1]),
                     fs_component(parts[2]), fs_component(parts[3]), fs_component(parts[4]), fs_component(edition[0]),
                     fs_component(parts[6]), fs_component(edition[1]), fs_component(edition[2]),
                     fs_component(edition[3]), fs_component(edition[4]));
}

std::optional<Fingerprint> recog_fingerprint(const RecogFile& file, std::size_t index,
                                             const RecogFingerprint::Values& values) {
  std::string_view ns;
  for (const std::string_view candidate : {"hw", "os", "service"}) {
    if (!get(values, candidate, "vendor").empty() || !get(values, candidate, "product").empty() ||
        !get(values, candidate, "family").empty()) {
      ns = candidate;
      break;
    }
  }
  if (ns.empty()) return std::nullopt;

  double certainty = 1.0;
  if (const auto c = parse_certainty(get(values, ns, "certainty")))
    certainty = *c;
  else if (const auto a = parse_certainty(file.fingerprints().at(index).certainty()))
    certainty = *a;
  const int confidence = static_cast<int>(std::lround(certainty * 100));
  if (confidence == 0) return std::nullopt;

  Fingerprint fp;
  fp.id = fmt::format("recog:{}:{}", file.stem(), index + 1);
  fp.source = "recog:" + file.name();
  fp.vendor = get(values, ns, "vendor");
  fp.product = get(values, ns, "product");
  if (fp.product.empty()) fp.product = get(values, ns, "family");
  fp.version = get(values, ns, "version");
  const std::string cpe = get(values, ns, "cpe23");
  if (!cpe.empty()) fp.cpe = cpe23_from_uri(cpe);
  std::string device = get(values, "hw", "device");
  if (device.empty()) device = get(values, "os", "device");
  for (const auto& [recog, ours] : kDevices)
    if (iequals(device, recog)) fp.device = ours;
  fp.category = category(values, device);
  fp.confidence = confidence;
  for (const auto& [key, value] : values)
    if (value && !value->empty()) fp.attributes.emplace_back(key, *value);
  return fp;
}

}  // namespace fumidai::fingerprints
