// Fuzz target: the lab emulator's L2TP control-message parser, fed whatever
// datagram arrives. A message it accepts is answered as the emulator answers
// it, and the answer must be a well-formed message to the sender's tunnel:
// an SCCRP (for an SCCRQ) or a ZLB (for a StopCCN) that the parser itself
// reads back.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "FuzzCheck.h"
#include "devices/L2tpMessage.h"

using fumidai::lab::DevicePersona;
using fumidai::lab::L2tpMessage;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view datagram(reinterpret_cast<const char*>(data), size);
  const auto message = L2tpMessage::parse(datagram);
  if (!message) return 0;
  FUZZ_CHECK(size >= L2tpMessage::kHeaderBytes);
  if (message->is_start_request()) {
    std::string reply = L2tpMessage::start_reply(DevicePersona::Tunnel{"MikroTik", "MikroTik"});
    L2tpMessage::address_start_reply(reply, *message, 7);
    const auto parsed = L2tpMessage::parse(reply);
    FUZZ_CHECK(parsed && parsed->message_type == L2tpMessage::kStartReply);
    FUZZ_CHECK(parsed->tunnel_id == message->assigned_tunnel_id && parsed->assigned_tunnel_id == 7);
    FUZZ_CHECK(parsed->nr == static_cast<std::uint16_t>(message->ns + 1));
  } else if (message->is_stop_notify()) {
    const auto parsed = L2tpMessage::parse(L2tpMessage::zlb_ack(*message));
    FUZZ_CHECK(parsed && parsed->zlb && parsed->tunnel_id == message->assigned_tunnel_id);
  }
  return 0;
}
