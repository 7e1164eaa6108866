#pragma once
// L2TP control messages (RFC 2661, sections 3 and 4) as the emulator's LNS
// reads and writes them, one per UDP datagram. Bytes come from the network:
// parse() accepts only a control header (T, L and S set, version 2) whose
// length fits the datagram, followed by AVPs that tile it exactly, the first
// of them a Message Type; the values the emulator reads must have their RFC
// sizes. Hidden AVPs and other vendors' AVPs are skipped, not decoded.
// Contract: pure functions.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "DevicePersona.h"

namespace fumidai::lab {

struct L2tpMessage {
  static constexpr std::size_t kHeaderBytes = 12;  // flags and version, length, tunnel and session ids, Ns, Nr
  static constexpr std::uint16_t kProtocolVersion = 0x0100;
  enum MessageType : std::uint16_t { kStartRequest = 1, kStartReply = 2, kStopNotify = 4 };
  // In start_reply()'s SCCRP: Message Type, Protocol Version, then Assigned
  // Tunnel ID (its value at kAssignedTunnelIdAt), framing and bearer
  // capabilities and Firmware Revision, so the Host Name AVP starts at
  // kHostNameAt whatever the names' lengths (a reply_patch can aim at it).
  static constexpr std::size_t kAssignedTunnelIdAt = 34;
  static constexpr std::size_t kHostNameAt = 64;

  std::uint16_t tunnel_id = 0;
  std::uint16_t session_id = 0;
  std::uint16_t ns = 0;
  std::uint16_t nr = 0;
  bool zlb = false;                      // a header alone: an acknowledgement
  std::uint16_t message_type = 0;        // not zlb
  std::uint16_t assigned_tunnel_id = 0;  // 0: no Assigned Tunnel ID AVP
  std::uint16_t protocol_version = 0;    // 0: no Protocol Version AVP

  static std::optional<L2tpMessage> parse(std::string_view datagram);

  // An SCCRQ the emulator answers: it opens a tunnel (tunnel and session id
  // 0), names the sender's tunnel id and speaks L2TP 1.0.
  bool is_start_request() const {
    return !zlb && message_type == kStartRequest && tunnel_id == 0 && session_id == 0 && assigned_tunnel_id != 0 &&
           protocol_version == kProtocolVersion;
  }
  bool is_stop_notify() const { return !zlb && message_type == kStopNotify; }

  // The SCCRP for `tunnel`, with zeros where address_start_reply() writes.
  static std::string start_reply(const DevicePersona::Tunnel& tunnel);
  // Addresses an SCCRP (as start_reply() made it) to the peer of `request`:
  // the header's tunnel id is the peer's, Ns 0, Nr the request's Ns + 1, and
  // ours is `assigned_tunnel_id`.
  static void address_start_reply(std::string& reply, const L2tpMessage& request, std::uint16_t assigned_tunnel_id);
  // The ZLB that acknowledges `request` (a StopCCN): to the tunnel id the
  // sender assigned, Ns what it expects next from us, Nr its Ns + 1.
  static std::string zlb_ack(const L2tpMessage& request);
};

}  // namespace fumidai::lab
