#pragma once
#include <cstdint>
#include <string_view>

namespace fumidai::scanner {

// One validated, de-duplicated answer from a target.
struct ScanResult {
  enum class Status { open, closed };
  std::uint32_t ip;
  std::uint16_t port;
  Status status;
  std::uint8_t ttl;
  std::int64_t timestamp_ns;  // wall clock, Unix epoch

  static std::string_view status_name(Status s) { return s == Status::open ? "open" : "closed"; }
};

}  // namespace fumidai::scanner
