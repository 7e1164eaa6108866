// Fuzz target: one datagram from an L2TP peer, as the "l2tp" module and
// stage 1's UDP receiver see it.
//
// 1. parse_message() stays within the datagram and its limits; a valid
//    message is an SCCRP or a StopCCN.
// 2. answers() takes exactly the datagrams whose header parse_message()
//    accepts, for the tunnel ID they carry.
// 3. Our own SCCRQ and StopCCN, built for a tunnel ID from the input, read
//    back as what they are.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "FuzzCheck.h"
#include "fumidai/scanner/packet/ByteOrder.h"
#include "fumidai/scanner/probes/l2tp/L2tpControl.h"

using namespace fumidai::scanner;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);

  // 1. Bounds and meaning.
  const l2tp::Message m = l2tp::parse_message(input);
  FUZZ_CHECK(m.valid == m.error.empty());
  FUZZ_CHECK(!m.valid || m.has_header);
  if (m.has_header) FUZZ_CHECK(m.length >= l2tp::kHeaderBytes && m.length <= size);
  if (m.valid) FUZZ_CHECK(m.message_type == l2tp::kSccrp || m.message_type == l2tp::kStopCcn);
  FUZZ_CHECK(m.other_avps.size() <= l2tp::kMaxOtherAvps);
  FUZZ_CHECK(!m.other_avps_truncated || m.other_avps.size() == l2tp::kMaxOtherAvps);
  for (const l2tp::Avp& avp : m.other_avps) FUZZ_CHECK(avp.length >= 6 && avp.length <= m.length);
  const boost::json::object described = l2tp::describe(m);
  for (const auto& field : described)
    if (field.value().is_string()) FUZZ_CHECK(field.value().as_string().find('\0') == boost::json::string::npos);
  (void)boost::json::serialize(described);

  // 2. answers() agrees with the header check.
  const std::uint16_t carried = size >= 6 ? get16(data + 4) : 0;
  FUZZ_CHECK(l2tp::answers(input, carried) == m.has_header);
  if (m.has_header) FUZZ_CHECK(!l2tp::answers(input, static_cast<std::uint16_t>(carried + 1)));

  // 3. Our messages.
  const std::uint16_t id = carried == 0 ? 1 : carried;
  std::vector<std::uint8_t> sccrq(l2tp::kSccrqBytes);
  FUZZ_CHECK(l2tp::build_sccrq(sccrq, id) == l2tp::kSccrqBytes);
  const l2tp::Message ours = l2tp::parse_message(sccrq);
  FUZZ_CHECK(ours.has_header && ours.message_type == l2tp::kSccrq && ours.assigned_tunnel_id == id);
  std::vector<std::uint8_t> stop(l2tp::kStopCcnBytes);
  FUZZ_CHECK(l2tp::build_stopccn(stop, carried, id, 1, 1) == l2tp::kStopCcnBytes);
  const l2tp::Message stop_read = l2tp::parse_message(stop);
  FUZZ_CHECK(stop_read.valid && stop_read.message_type == l2tp::kStopCcn && stop_read.result_code == 1);
  FUZZ_CHECK(l2tp::answers(stop, carried));
  return 0;
}
