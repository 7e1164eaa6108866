#pragma once
// The canary's evidence: one JSON line per request it answered,
//   {"ts":"2026-01-01T00:00:00.000Z","peer_ip":"198.19.0.40","peer_port":40000,
//    "token":"<32 hex>","valid":true}
// appended with one write(2) per line (O_APPEND: lines from concurrent
// writers do not interleave, and nothing waits in a buffer when the canary
// stops). A bad request's token is what stood in its place, as safe text and
// cut, so a line never exceeds kMaxLineBytes.
// Contract: owns its file descriptor; append() from one thread at a time.
#include <cstdint>
#include <string>
#include <string_view>

#include "fumidai/core/Error.h"

namespace fumidai::scanner {

struct CanaryLogEntry {
  std::int64_t unix_ns = 0;
  std::uint32_t peer_ip = 0;  // host byte order
  std::uint16_t peer_port = 0;
  std::string_view token;  // raw bytes from the request
  bool valid = false;
};

class CanaryLog {
 public:
  static constexpr std::size_t kMaxLineBytes = 1024;

  // Opens (creating, mode 0640) `path` for appending.
  static Result<CanaryLog> open(const std::string& path);
  CanaryLog(CanaryLog&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) { other.fd_ = -1; }
  CanaryLog& operator=(CanaryLog&&) = delete;
  CanaryLog(const CanaryLog&) = delete;
  CanaryLog& operator=(const CanaryLog&) = delete;
  ~CanaryLog();

  Result<void> append(const CanaryLogEntry& entry);
  // The line append() writes, with its '\n'.
  static std::string format_line(const CanaryLogEntry& entry);

 private:
  CanaryLog(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

  int fd_ = -1;
  std::string path_;
};

}  // namespace fumidai::scanner
