// Fuzz target: a UPnP device description, as served on LOCATION.
//
// 1. XmlPullParser, with the default limits and with tiny ones, ends (an
//    error or end_document) within a number of events linear in the input,
//    never reports a depth, a name, a text or attributes beyond its limits,
//    and returns the same error again after one.
// 2. parse_upnp_description() keeps its lists within kMaxListed.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "FuzzCheck.h"
#include "fumidai/scanner/probes/upnp/UpnpDescription.h"
#include "fumidai/scanner/probes/upnp/XmlPullParser.h"

using namespace fumidai::scanner;

namespace {

void walk(std::string_view xml, const XmlLimits& limits) {
  XmlPullParser parser(xml, limits);
  // Every event consumes at least one byte, but a self-closing tag gives two.
  for (std::size_t events = 0; events <= 2 * xml.size() + 2; ++events) {
    const auto event = parser.next();
    if (!event) {
      const auto again = parser.next();
      FUZZ_CHECK(!again && again.error().message == event.error().message);
      return;
    }
    FUZZ_CHECK(parser.depth() <= limits.max_depth);
    switch (*event) {
      case XmlPullParser::Event::start_element:
        FUZZ_CHECK(parser.attributes().size() <= limits.max_attributes);
        for (const XmlAttribute& a : parser.attributes()) {
          FUZZ_CHECK(!a.name.empty() && a.name.size() <= limits.max_name_bytes);
          FUZZ_CHECK(a.value.size() <= limits.max_text_bytes);
          FUZZ_CHECK(parser.attribute(a.name) == &a.value);  // names are unique
        }
        [[fallthrough]];
      case XmlPullParser::Event::end_element:
        FUZZ_CHECK(!parser.local_name().empty() && parser.local_name().size() <= limits.max_name_bytes);
        break;
      case XmlPullParser::Event::text:
        FUZZ_CHECK(!parser.text().empty() && parser.text().size() <= limits.max_text_bytes);
        break;
      case XmlPullParser::Event::end_document:
        FUZZ_CHECK(parser.depth() == 0);
        return;
    }
  }
  FUZZ_CHECK(false && "the parser did not end");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  walk(xml, XmlLimits{});
  XmlLimits tiny;
  tiny.max_depth = 3;
  tiny.max_elements = 8;
  tiny.max_name_bytes = 4;
  tiny.max_attributes = 1;
  tiny.max_text_bytes = 8;
  tiny.max_skipped_bytes = 8;
  walk(xml, tiny);

  const auto description = parse_upnp_description(xml);
  if (description) {
    FUZZ_CHECK(description->embedded_device_types.size() <= UpnpDescription::kMaxListed);
    FUZZ_CHECK(description->service_types.size() <= UpnpDescription::kMaxListed);
  }
  return 0;
}
