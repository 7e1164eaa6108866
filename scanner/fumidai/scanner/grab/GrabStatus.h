#pragma once
// How a grab ended, in ZGrab2's vocabulary so existing tooling reads it.
// kGrabStatusCount sizes per-status counters.
#include <cstddef>
#include <string_view>

namespace fumidai::scanner {

enum class GrabStatus {
  success,
  connection_refused,
  connection_timeout,
  io_timeout,
  handshake_error,
  protocol_error,
  application_error,
  blocklisted_target,  // never contacted: the blocklist covers it
};

inline constexpr std::size_t kGrabStatusCount = 8;

constexpr std::string_view to_string(GrabStatus s) {
  switch (s) {
    case GrabStatus::success:
      return "success";
    case GrabStatus::connection_refused:
      return "connection-refused";
    case GrabStatus::connection_timeout:
      return "connection-timeout";
    case GrabStatus::io_timeout:
      return "io-timeout";
    case GrabStatus::handshake_error:
      return "handshake-error";
    case GrabStatus::protocol_error:
      return "protocol-error";
    case GrabStatus::application_error:
      return "application-error";
    case GrabStatus::blocklisted_target:
      return "blocklisted-target";
  }
  return "application-error";
}

}  // namespace fumidai::scanner
