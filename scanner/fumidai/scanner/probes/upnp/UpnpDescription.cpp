#include "fumidai/scanner/probes/upnp/UpnpDescription.h"

#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {
namespace {

std::string_view trim_xml_space(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  const std::size_t first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

std::optional<std::string>* root_device_field(UpnpDevice& device, std::string_view element) {
  if (element == "deviceType") return &device.device_type;
  if (element == "friendlyName") return &device.friendly_name;
  if (element == "manufacturer") return &device.manufacturer;
  if (element == "manufacturerURL") return &device.manufacturer_url;
  if (element == "modelName") return &device.model_name;
  if (element == "modelNumber") return &device.model_number;
  if (element == "modelDescription") return &device.model_description;
  if (element == "UDN") return &device.udn;
  if (element == "presentationURL") return &device.presentation_url;
  return nullptr;
}

// The path of open elements ends with `tail` (local names).
bool path_ends_with(const std::vector<std::string>& path, std::initializer_list<std::string_view> tail) {
  if (path.size() < tail.size()) return false;
  std::size_t i = path.size() - tail.size();
  for (const std::string_view name : tail)
    if (path[i++] != name) return false;
  return true;
}

}  // namespace

bool UpnpDescription::has_wan_connection_service() const {
  for (const std::string& type : service_types)
    if (type.find(":WANIPConnection:") != std::string::npos || type.find(":WANPPPConnection:") != std::string::npos)
      return true;
  return false;
}

Result<UpnpDescription> parse_upnp_description(std::string_view xml, XmlLimits limits) {
  XmlPullParser parser(xml, limits);
  UpnpDescription description;
  std::vector<std::string> path;  // local names of the open elements
  std::string text;               // of the innermost open element
  std::optional<std::string> spec_major;
  std::optional<std::string> spec_minor;
  bool root_device_seen = false;
  const auto add = [&](std::vector<std::string>& list, std::string value) {
    if (list.size() < UpnpDescription::kMaxListed)
      list.push_back(std::move(value));
    else
      description.lists_truncated = true;
  };
  while (true) {
    auto event = parser.next();
    if (!event) return event.error();
    switch (*event) {
      case XmlPullParser::Event::start_element:
        if (path.empty() && parser.local_name() != "root")
          return make_error("upnp: not a device description (root element <" + quote_bytes(parser.local_name()) + ">)");
        path.emplace_back(parser.local_name());
        if (path.size() == 2 && path[1] == "device") root_device_seen = true;
        text.clear();
        break;
      case XmlPullParser::Event::text:
        text = parser.text();  // one run: a tag, which resets it, follows every text event
        break;
      case XmlPullParser::Event::end_element: {
        std::string value(trim_xml_space(text));
        text.clear();
        if (path.size() == 3 && path[1] == "device") {
          if (auto* field = root_device_field(description.root, path[2]); field && !*field) *field = std::move(value);
        } else if (path_ends_with(path, {"deviceList", "device", "deviceType"})) {
          add(description.embedded_device_types, std::move(value));
        } else if (path_ends_with(path, {"service", "serviceType"})) {
          add(description.service_types, std::move(value));
        } else if (path.size() == 2 && path[1] == "URLBase") {
          description.url_base = std::move(value);
        } else if (path.size() == 3 && path[1] == "specVersion" && path[2] == "major") {
          spec_major = std::move(value);
        } else if (path.size() == 3 && path[1] == "specVersion" && path[2] == "minor") {
          spec_minor = std::move(value);
        }
        path.pop_back();
        break;
      }
      case XmlPullParser::Event::end_document:
        if (!root_device_seen) return make_error("upnp: the description has no root <device>");
        if (spec_major) description.spec_version = *spec_major + "." + spec_minor.value_or("0");
        return description;
    }
  }
}

}  // namespace fumidai::scanner
