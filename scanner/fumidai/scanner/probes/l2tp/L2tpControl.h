#pragma once
// L2TPv2 control messages (RFC 2661, 3 and 4), as much as a probe needs: the
// SCCRQ we send, the SCCRP (or StopCCN) we read, and the StopCCN that makes
// the peer drop the tunnel. Stage 1's UDP payloads and stage 2's "l2tp"
// module share these functions: build_sccrq() into the caller's buffer,
// answers() to match a datagram to the probe, parse_message() + describe()
// for what a record holds.
//
// Our tunnel ID is the probe's cookie: the peer addresses its reply to it.
// parse_message() reads an untrusted datagram: bounded by its size, never
// throws, keeps at most kMaxOtherAvps undecoded AVPs. Strings are the
// peer's raw bytes; describe() makes them safe text. Pure functions, any
// thread.
#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace fumidai::scanner::l2tp {

inline constexpr std::size_t kHeaderBytes = 12;  // a control header: flags, length, IDs, Ns, Nr
inline constexpr std::size_t kSccrqBytes = 90;
inline constexpr std::size_t kStopCcnBytes = 36;
inline constexpr std::size_t kMaxOtherAvps = 32;

enum MessageType : std::uint16_t { kSccrq = 1, kSccrp = 2, kStopCcn = 4 };

// An SCCRQ from tunnel `tunnel_id` (not 0: RFC 2661 reserves it): Message
// Type, Protocol Version 1.0, Host Name and Vendor Name "fumidai", framing
// and bearer capabilities, Assigned Tunnel ID and Receive Window Size.
// Returns the bytes written, 0 when `out` is shorter than kSccrqBytes or
// tunnel_id is 0.
std::size_t build_sccrq(std::span<std::uint8_t> out, std::uint16_t tunnel_id);

// A StopCCN to the peer's tunnel `peer_tunnel_id` (Result Code 1, "general
// request to clear", and our Assigned Tunnel ID) with sequence numbers
// `ns`, `nr`. 0 when `out` is shorter than kStopCcnBytes.
std::size_t build_stopccn(std::span<std::uint8_t> out, std::uint16_t peer_tunnel_id, std::uint16_t tunnel_id,
                          std::uint16_t ns, std::uint16_t nr);

// Whether `datagram` is an L2TPv2 control message (a ZLB acknowledgement
// included) addressed to our tunnel `tunnel_id`: the reply to our SCCRQ and
// not someone else's.
bool answers(std::span<const std::uint8_t> datagram, std::uint16_t tunnel_id);

// An AVP kept as it came: one this parser does not decode, or a hidden one.
struct Avp {
  std::uint16_t vendor_id = 0;
  std::uint16_t type = 0;
  std::uint16_t length = 0;  // the whole AVP, header included
  bool mandatory = false;
  bool hidden = false;
  bool operator==(const Avp&) const = default;
};

// A control message as far as it was valid; `error` says where it stopped.
struct Message {
  bool valid = false;
  std::string error;  // why not valid: one line
  bool has_header = false;
  std::uint16_t length = 0;
  std::uint16_t tunnel_id = 0;
  std::uint16_t session_id = 0;
  std::uint16_t ns = 0;
  std::uint16_t nr = 0;
  std::optional<std::uint16_t> message_type;
  std::optional<std::uint16_t> protocol_version;  // version << 8 | revision
  std::optional<std::string> host_name;
  std::optional<std::string> vendor_name;
  std::optional<std::uint16_t> firmware_revision;
  std::optional<std::uint16_t> assigned_tunnel_id;
  std::optional<std::uint32_t> framing_capabilities;
  std::optional<std::uint32_t> bearer_capabilities;
  std::optional<std::uint16_t> receive_window_size;
  std::optional<std::uint16_t> result_code;
  std::optional<std::uint16_t> error_code;
  std::optional<std::string> error_message;
  bool challenge = false;
  std::vector<Avp> other_avps;  // at most kMaxOtherAvps
  bool other_avps_truncated = false;
};

// Reads one datagram. Valid: a version-2 control message (T, L and S set,
// no offset) whose length fits the datagram, a walk of AVPs that each fit,
// Message Type first, known AVPs of their proper sizes, and a message type
// of SCCRP or StopCCN. Anything else is invalid, with the fields read up to
// there. The sender's tunnel ID is not checked here: see answers().
Message parse_message(std::span<const std::uint8_t> datagram);

// The message's fields as a record's data (see service-record.v1.schema.json).
boost::json::object describe(const Message& message);

}  // namespace fumidai::scanner::l2tp
