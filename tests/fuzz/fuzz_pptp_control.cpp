// Fuzz target: the lab emulator's PPTP control-connection framing, fed
// whatever a client sends. Framing the stream message by message, as the
// session does, must end (every complete message is 12-220 bytes and within
// the stream), and a complete message must stay complete and the same with
// more bytes after it, and be incomplete while any byte of it is missing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "FuzzCheck.h"
#include "devices/PptpMessage.h"

using fumidai::lab::PptpMessage;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view stream(reinterpret_cast<const char*>(data), size);
  while (true) {
    const PptpMessage message = PptpMessage::frame(stream);
    if (message.status != PptpMessage::Status::complete) break;
    FUZZ_CHECK(message.length >= PptpMessage::kHeaderBytes && message.length <= PptpMessage::kMaxBytes);
    FUZZ_CHECK(message.length <= stream.size());
    for (std::size_t n = 0; n < message.length; ++n) {
      FUZZ_CHECK(PptpMessage::frame(stream.substr(0, n)).status == PptpMessage::Status::incomplete);
    }
    const PptpMessage alone = PptpMessage::frame(stream.substr(0, message.length));
    FUZZ_CHECK(alone.status == PptpMessage::Status::complete && alone.length == message.length &&
               alone.control_type == message.control_type);
    stream.remove_prefix(message.length);
  }
  return 0;
}
