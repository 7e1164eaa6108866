// Fuzz target: what an OpenVPN server sends, as one UDP datagram and as the
// start of a TCP stream.
//
// 1. parse_packet() reads exactly the fields the opcode calls for, within
//    the packet; the payload is what is left.
// 2. answers() takes a packet exactly when it is valid and acknowledges the
//    session asked about.
// 3. tcp_frame() never claims more than the stream holds, and agrees with
//    itself on the bytes it needs.
// 4. Our reset, from a session ID out of the input, reads back as one.
#include <algorithm>
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "FuzzCheck.h"
#include "fumidai/scanner/probes/openvpn/OpenVpnPacket.h"

using namespace fumidai::scanner;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);

  // 1. Fields and payload.
  const openvpn::Packet p = openvpn::parse_packet(input);
  FUZZ_CHECK(p.valid == p.error.empty());
  FUZZ_CHECK(p.opcode.has_value() == (size > 0));
  if (p.valid) {
    FUZZ_CHECK(*p.opcode != openvpn::kDataV1 && *p.opcode != openvpn::kDataV2);
    FUZZ_CHECK(*p.opcode >= openvpn::kControlHardResetClientV1 && *p.opcode <= openvpn::kControlWkcV1);
    FUZZ_CHECK(p.session_id && p.acked_packet_ids);
    const std::size_t acks = p.acked_packet_ids->size();
    FUZZ_CHECK(p.remote_session_id.has_value() == (acks > 0));
    FUZZ_CHECK(p.message_packet_id.has_value() == (*p.opcode != openvpn::kAckV1));
    const std::size_t fields = 1 + 8 + 1 + 4 * acks + (acks > 0 ? 8 : 0) + (p.message_packet_id ? 4 : 0);
    FUZZ_CHECK(fields + p.payload_length == size);
  }
  (void)boost::json::serialize(openvpn::describe(p));

  // 2. answers().
  openvpn::SessionId asked{};
  if (p.remote_session_id) asked = *p.remote_session_id;
  FUZZ_CHECK(openvpn::answers(input, asked) == (p.valid && p.remote_session_id.has_value()));
  asked[0] ^= 1;
  FUZZ_CHECK(!p.remote_session_id || !openvpn::answers(input, asked));

  // 3. TCP framing.
  const openvpn::TcpFrame f = openvpn::tcp_frame(input);
  FUZZ_CHECK((f.state == openvpn::TcpFrame::State::invalid) == !f.error.empty());
  if (f.state == openvpn::TcpFrame::State::complete) {
    FUZZ_CHECK(f.length >= 1 && f.length <= openvpn::kMaxPacketBytes);
    FUZZ_CHECK(size >= openvpn::kTcpLengthBytes + f.length);
    const auto exact = openvpn::tcp_frame(input.first(openvpn::kTcpLengthBytes + f.length));
    FUZZ_CHECK(exact.state == openvpn::TcpFrame::State::complete && exact.length == f.length);
    const auto short_by_one = openvpn::tcp_frame(input.first(openvpn::kTcpLengthBytes + f.length - 1));
    FUZZ_CHECK(short_by_one.state == openvpn::TcpFrame::State::incomplete);
  }

  // 4. Our reset.
  openvpn::SessionId ours{};
  std::copy_n(input.begin(), std::min(size, ours.size()), ours.begin());
  std::vector<std::uint8_t> reset(openvpn::kResetBytes);
  FUZZ_CHECK(openvpn::build_reset(reset, ours) == openvpn::kResetBytes);
  const openvpn::Packet read_back = openvpn::parse_packet(reset);
  FUZZ_CHECK(read_back.valid && read_back.opcode == openvpn::kControlHardResetClientV2 && read_back.key_id == 0);
  FUZZ_CHECK(read_back.session_id == ours && read_back.acked_packet_ids->empty());
  FUZZ_CHECK(read_back.message_packet_id == 0u && read_back.payload_length == 0);
  return 0;
}
