#pragma once
// PPTP's control connection (RFC 2637, 2), as much of it as a probe needs:
// the Start-Control-Connection-Request we send, the Reply we read, and the
// Stop-Control-Connection-Request that makes the server tear down.
//
// parse_start_reply() reads untrusted bytes: bounded (it looks at no more
// than kMaxMessageBytes), never throws, and judges each message at fixed
// byte counts, so the result is the same however the bytes were split into
// reads. Strings are the server's raw bytes (up to the first NUL); pass them
// through json_safe_text() before output, as describe() does. Pure
// functions, any thread.
#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace fumidai::scanner::pptp {

inline constexpr std::uint32_t kMagicCookie = 0x1A2B3C4D;
inline constexpr std::uint16_t kControlMessage = 1;  // the header's PPTP Message Type
inline constexpr std::size_t kHeaderBytes = 12;      // through Reserved0
inline constexpr std::size_t kStartMessageBytes = 156;
inline constexpr std::size_t kStopRequestBytes = 16;
// The largest control message (Outgoing-Call-Request) is 168 bytes; a
// length field beyond this is not PPTP.
inline constexpr std::size_t kMaxMessageBytes = 256;

enum ControlType : std::uint16_t {
  kStartControlConnectionRequest = 1,
  kStartControlConnectionReply = 2,
  kStopControlConnectionRequest = 3,
};

// Our Start-Control-Connection-Request: protocol 1.0, async and sync
// framing, analog and digital bearer, host name and vendor "fumidai".
// Returns the bytes written, 0 when `out` is shorter than kStartMessageBytes.
std::size_t build_start_request(std::span<std::uint8_t> out);
// A Stop-Control-Connection-Request with reason 1 ("general request to
// clear"); 0 when `out` is shorter than kStopRequestBytes.
std::size_t build_stop_request(std::span<std::uint8_t> out);

enum class ParseState { incomplete, complete, invalid };

// The reply as far as it was read: `bytes` says how many bytes of the
// message were there, and only the fields that end within them are set.
struct StartReply {
  ParseState state = ParseState::incomplete;
  std::string error;  // why invalid: one line
  std::size_t bytes = 0;
  std::uint16_t length = 0;
  std::uint16_t message_type = 0;
  std::uint32_t magic_cookie = 0;
  std::uint16_t control_type = 0;
  std::uint16_t protocol_version = 0;
  std::uint8_t result_code = 0;
  std::uint8_t error_code = 0;
  std::uint32_t framing_capabilities = 0;
  std::uint32_t bearer_capabilities = 0;
  std::uint16_t max_channels = 0;
  std::uint16_t firmware_revision = 0;
  std::string host_name;
  std::string vendor;
  bool operator==(const StartReply&) const = default;
};

// Reads the server's first message from the bytes it sent so far (all of
// them, from the first). `ended`: no more will come (the server closed or
// went quiet), so a message still incomplete is truncated (invalid).
// Invalid: a length outside 12..kMaxMessageBytes, a message type other
// than control, a wrong magic cookie, a control message other than the
// Reply, a Reply whose length is not 156, or truncation.
StartReply parse_start_reply(std::span<const std::uint8_t> bytes, bool ended);

// The reply's fields as a record's data (see service-record.v1.schema.json).
boost::json::object describe(const StartReply& reply);

}  // namespace fumidai::scanner::pptp
