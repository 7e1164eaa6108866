#include "fumidai/scanner/grab/GrabRecord.h"

#include <boost/json/serialize.hpp>

#include "fumidai/scanner/output/OutputModule.h"
#include "fumidai/scanner/target/Ipv4.h"

namespace fumidai::scanner {

std::string to_jsonl(const GrabRecord& record) {
  boost::json::object o;
  o["ip"] = format_ipv4(record.target.ip);
  o["port"] = record.target.port;
  o["transport"] = transport_name(record.target.transport);
  o["protocol"] = record.protocol;
  o["status"] = to_string(record.status);
  if (!record.error.empty()) o["error"] = record.error;
  o["data"] = record.data;
  if (record.ptr)
    o["ptr"] = *record.ptr;
  else
    o["ptr"] = nullptr;
  o["fingerprints"] = record.fingerprints;
  o["labels"] = record.labels;
  o["ts"] = format_timestamp(record.timestamp_ns);
  std::string line = boost::json::serialize(o);
  line += '\n';
  return line;
}

}  // namespace fumidai::scanner
