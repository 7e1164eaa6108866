#pragma once
// The device emulator's config (lab/devices.json): limits and personas. The
// file is JSON with comments allowed; every key is checked (an unknown key is
// an error, so a typo cannot silently change a persona) and every value is
// range-checked, so a config that loads is one the emulator can serve. Body
// files are read at load time, relative to the config file's directory.
//
// Format, in short (lab/devices.json documents every key in its comments):
//   { "limits": { "threads", "max_connections", "max_request_head_bytes",
//                 "connection_lifetime_ms", "idle_timeout_ms",
//                 "max_datagram_bytes", "udp_replies_per_source_per_second" },  all optional
//     "personas": [ { "name", "protocol", "behavior", "expected_status",
//                     "listen": [ { "ip", "port", "tls", "transport" } ],
//                     "headers": [ [name, value] ],  "pages": [ { "path", "method", "status",
//                     "reason", "headers", "body" | "body_file", "declared_length" } ],
//                     "certificate": { "key", "subject", "issuer", "san",
//                                      "not_before", "not_after", "serial" },
//                     "banner", "body_bytes", "drip_interval_ms",
//                     "pptp" | "l2tp": { "host_name", "vendor", "firmware_revision",
//                                        "framing_capabilities", "bearer_capabilities",
//                                        "max_channels" (pptp) },
//                     "ssdp": { "server", "location", "udn", "device_type", "max_age_s" },
//                     "reply_patch": { "offset", "bytes" }, "reply_bytes", "reply_copies" } ] }
// Header values and banners are bytes: each JSON character U+0000-U+00FF is
// one byte (Latin-1, HTTP's historical header charset), so "\u0000" and
// "\u00ff" write a NUL and a 0xFF byte.
//
// Contract: immutable value once loaded; safe to share between threads.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "DeviceLimits.h"
#include "DevicePersona.h"
#include "fumidai/core/Error.h"

namespace fumidai::lab {

class DeviceConfig {
 public:
  static constexpr std::size_t kMaxConfigBytes = 1 << 20;
  static constexpr std::size_t kMaxBodyBytes = 1 << 20;  // per page (body or body_file)
  static constexpr std::size_t kMaxPersonas = 256;
  static constexpr std::size_t kMaxListenEntries = 1024;  // over all personas, TCP and UDP

  // Reads and parses FILE. Every problem, a missing file included, is an
  // invalid_input error of one line that names the file and the bad value.
  static Result<DeviceConfig> load(const std::filesystem::path& file);
  // `source` names the text in error messages; body_file paths are relative
  // to base_dir.
  static Result<DeviceConfig> parse(std::string_view text, const std::filesystem::path& base_dir,
                                    std::string_view source);

  const DeviceLimits& limits() const { return limits_; }
  const std::vector<DevicePersona>& personas() const { return personas_; }
  std::size_t listen_count() const;

  // One CSV row per listen entry, in config order, no header:
  // ip,port,protocol,tls,service,expected_status,transport
  std::string services_csv() const;

 private:
  DeviceConfig() = default;

  DeviceLimits limits_;
  std::vector<DevicePersona> personas_;
};

}  // namespace fumidai::lab
