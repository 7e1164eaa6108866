#include "fumidai/scanner/output/JsonlOutput.h"

#include <fmt/format.h>

#include "fumidai/scanner/target/Ipv4.h"

namespace fumidai::scanner {

void JsonlOutput::write(const ScanResult& r) {
  // protocol is a payload's name from the registry and data serialized JSON:
  // neither needs escaping here.
  std::string line = fmt::format(R"({{"ip":"{}","port":{},"transport":"{}","status":"{}","ttl":{},"ts":"{}")",
                                 format_ipv4(r.ip), r.port, transport_name(r.transport),
                                 ScanResult::status_name(r.status), r.ttl, format_timestamp(r.timestamp_ns));
  if (!r.protocol.empty()) fmt::format_to(std::back_inserter(line), R"(,"protocol":"{}")", r.protocol);
  if (!r.data.empty()) fmt::format_to(std::back_inserter(line), R"(,"data":{})", r.data);
  line += "}\n";
  file_.write(line);
}

}  // namespace fumidai::scanner
