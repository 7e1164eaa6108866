#pragma once
// What a UPnP device description (UPnP Device Architecture 2.0, 2.3) says
// about the device: the root device's identity, and the types of its
// embedded devices and of every service. A WANIPConnection or
// WANPPPConnection service reachable from the internet is a finding of its
// own: it is the port-mapping control of an Internet Gateway Device.
//
// parse_upnp_description() reads the XML with XmlPullParser (no DOCTYPE, no
// entity expansion, bounded sizes); its input is untrusted. Field values are
// the document's decoded text, surrounding whitespace removed, raw bytes
// otherwise: pass them through json_safe_text() before output. A pure
// function, safe from any thread.
//
// serialNumber is left out on purpose: it names one customer's box (some
// firmware uses the MAC address) and adds nothing to what the model and
// firmware fields say about exposure.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/scanner/probes/upnp/XmlPullParser.h"

namespace fumidai::scanner {

struct UpnpDevice {
  std::optional<std::string> device_type;
  std::optional<std::string> friendly_name;
  std::optional<std::string> manufacturer;
  std::optional<std::string> manufacturer_url;
  std::optional<std::string> model_name;
  std::optional<std::string> model_number;
  std::optional<std::string> model_description;
  std::optional<std::string> udn;
  std::optional<std::string> presentation_url;
};

struct UpnpDescription {
  static constexpr std::size_t kMaxListed = 64;  // entries in each list below

  std::optional<std::string> spec_version;  // "major.minor"
  std::optional<std::string> url_base;      // deprecated, often a LAN address
  UpnpDevice root;
  // In document order, duplicates kept, at most kMaxListed each.
  std::vector<std::string> embedded_device_types;
  std::vector<std::string> service_types;  // the root device's and every embedded one's
  bool lists_truncated = false;

  // A WANIPConnection or WANPPPConnection service is listed.
  bool has_wan_connection_service() const;
};

Result<UpnpDescription> parse_upnp_description(std::string_view xml, XmlLimits limits = {});

}  // namespace fumidai::scanner
