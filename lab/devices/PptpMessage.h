#pragma once
// PPTP control messages (RFC 2637, section 2) as the emulator's PPTP server
// reads and writes them on its TCP control connection: a stream of messages,
// each framed by its own length field. Bytes come from the network: frame()
// believes a message only once its length is that of some control message
// and its message type and magic cookie are right, so a stream of anything
// else is invalid after at most 8 bytes.
// Contract: pure functions.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "DevicePersona.h"

namespace fumidai::lab {

struct PptpMessage {
  static constexpr std::uint32_t kMagicCookie = 0x1A2B3C4D;
  static constexpr std::uint16_t kControlMessage = 1;  // PPTP Message Type
  static constexpr std::size_t kHeaderBytes = 12;      // through Control Message Type and Reserved0
  static constexpr std::size_t kMaxBytes = 220;        // Incoming-Call-Request, the longest control message
  static constexpr std::size_t kStartBytes = 156;      // SCCRQ and SCCRP
  static constexpr std::size_t kStopBytes = 16;        // StopCCRQ and StopCCRP
  static constexpr std::size_t kNameBytes = 64;        // Host Name and Vendor String, NUL padded
  enum ControlType : std::uint16_t { kStartRequest = 1, kStartReply = 2, kStopRequest = 3, kStopReply = 4 };
  enum class Status { incomplete, complete, invalid };

  Status status = Status::incomplete;
  std::size_t length = 0;          // complete: the message's bytes at the start of the stream
  std::uint16_t control_type = 0;  // complete

  // The message at the start of `stream`: complete, incomplete (more bytes
  // could complete it) or invalid (no bytes can make it a control message).
  static PptpMessage frame(std::string_view stream);

  bool is_start_request() const {
    return status == Status::complete && control_type == kStartRequest && length == kStartBytes;
  }
  bool is_stop_request() const {
    return status == Status::complete && control_type == kStopRequest && length == kStopBytes;
  }

  // Start-Control-Connection-Reply: protocol version 1.0, result 1 (channel
  // established), error 0, then the tunnel's capabilities, firmware revision
  // (offset 26), host name (28) and vendor (92), NUL padded to 64 bytes.
  static std::string start_reply(const DevicePersona::Tunnel& tunnel);
  // Stop-Control-Connection-Reply: result 1 (OK).
  static std::string stop_reply();
};

}  // namespace fumidai::lab
