#include "fumidai/scanner/output/JsonlOutput.h"

#include <fmt/format.h>

#include "fumidai/scanner/target/Ipv4.h"

namespace fumidai::scanner {

void JsonlOutput::write(const ScanResult& r) {
  file_.write(fmt::format(R"({{"ip":"{}","port":{},"proto":"tcp","status":"{}","ttl":{},"ts":"{}"}})"
                          "\n",
                          format_ipv4(r.ip), r.port, ScanResult::status_name(r.status), r.ttl,
                          format_timestamp(r.timestamp_ns)));
}

}  // namespace fumidai::scanner
