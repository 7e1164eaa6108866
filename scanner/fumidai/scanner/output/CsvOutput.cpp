#include "fumidai/scanner/output/CsvOutput.h"

#include <fmt/format.h>

#include "fumidai/scanner/target/Ipv4.h"

namespace fumidai::scanner {

CsvOutput::CsvOutput(OutputFile file) : file_(std::move(file)) { file_.write("ip,port,transport,status,ttl,ts\n"); }

void CsvOutput::write(const ScanResult& r) {
  file_.write(fmt::format("{},{},{},{},{},{}\n", format_ipv4(r.ip), r.port, transport_name(r.transport),
                          ScanResult::status_name(r.status), r.ttl, format_timestamp(r.timestamp_ns)));
}

}  // namespace fumidai::scanner
