#include "fumidai/scanner/udp/EmptyPayload.h"

#include <algorithm>
#include <string_view>

#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {

boost::json::object EmptyPayload::describe(std::span<const std::uint8_t> reply) const {
  boost::json::object data;
  data["length"] = reply.size();
  const auto first = reply.first(std::min(reply.size(), kFirstBytesKept));
  data["first_bytes"] = json_safe_text(std::string_view(reinterpret_cast<const char*>(first.data()), first.size()));
  return data;
}

}  // namespace fumidai::scanner
