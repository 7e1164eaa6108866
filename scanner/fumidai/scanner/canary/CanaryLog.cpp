#include "fumidai/scanner/canary/CanaryLog.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <cstring>

#include "fumidai/scanner/canary/CanaryRequestHead.h"
#include "fumidai/scanner/output/OutputModule.h"
#include "fumidai/scanner/probes/text/SafeText.h"
#include "fumidai/scanner/target/Ipv4.h"

namespace fumidai::scanner {

Result<CanaryLog> CanaryLog::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) return make_input_error(fmt::format("cannot open canary log {}: {}", path, std::strerror(errno)));
  return CanaryLog(fd, path);
}

CanaryLog::~CanaryLog() {
  if (fd_ >= 0) ::close(fd_);
}

std::string CanaryLog::format_line(const CanaryLogEntry& entry) {
  boost::json::object o;
  o["ts"] = format_timestamp(entry.unix_ns);
  o["peer_ip"] = format_ipv4(entry.peer_ip);
  o["peer_port"] = entry.peer_port;
  // At most kMaxLoggedBytes, each at most 6 bytes once escaped: the line
  // stays far below kMaxLineBytes.
  o["token"] = json_safe_text(entry.token.substr(0, CanaryRequest::kMaxLoggedBytes));
  o["valid"] = entry.valid;
  std::string line = boost::json::serialize(o);
  line += '\n';
  return line;
}

Result<void> CanaryLog::append(const CanaryLogEntry& entry) {
  const std::string line = format_line(entry);
  // One write: with O_APPEND a short line lands whole or not at all.
  ssize_t n = 0;
  do {
    n = ::write(fd_, line.data(), line.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) return make_error(fmt::format("cannot append to canary log {}: {}", path_, std::strerror(errno)));
  if (static_cast<std::size_t>(n) != line.size())
    return make_error(fmt::format("short write to canary log {} (disk full?)", path_));
  return {};
}

}  // namespace fumidai::scanner
