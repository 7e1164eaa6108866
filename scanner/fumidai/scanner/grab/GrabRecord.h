#pragma once
// One service record: what stage 2 learned about one target. The JSON form is
// documented in scanner/data/service-record.v1.schema.json.
// Contract: a plain value; `data` belongs to the probe module that filled it.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "fumidai/scanner/grab/GrabStatus.h"
#include "fumidai/scanner/grab/GrabTarget.h"

namespace fumidai::scanner {

struct GrabRecord {
  GrabTarget target;
  std::string protocol;  // the probe module's protocol name: "http", "ssh", ...
  GrabStatus status = GrabStatus::application_error;
  std::string error;  // empty on success; one line, safe text
  boost::json::object data;
  std::optional<std::string> ptr;
  std::int64_t timestamp_ns = 0;  // wall clock when the grab ended
  // Filled by the fingerprint stage as the record is written (fingerprints/README.md).
  boost::json::array fingerprints;
  boost::json::array labels;
};

// One JSON line (with its '\n') in the v1 service-record schema.
std::string to_jsonl(const GrabRecord& record);

}  // namespace fumidai::scanner
