#include "fumidai/scanner/probes/l2tp/L2tpProbe.h"

#include <sys/random.h>

#include <array>
#include <chrono>

#include "fumidai/scanner/packet/ByteOrder.h"
#include "fumidai/scanner/probes/ProbeIo.h"
#include "fumidai/scanner/probes/l2tp/L2tpControl.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {
namespace {

// How long the peer gets to acknowledge our StopCCN. Its ZLB changes
// nothing we record; waiting a little only spares it an ICMP unreachable.
constexpr Nanos kStopAckWait = std::chrono::milliseconds(300);

std::uint16_t random_tunnel_id() {
  std::uint16_t id = 0;
  (void)::getrandom(&id, sizeof(id), 0);  // a cookie need not be secret, only unpredictable enough
  return id == 0 ? 1 : id;                // tunnel 0 is reserved
}

}  // namespace

boost::asio::awaitable<ProbeOutcome> L2tpProbe::run(ProbeSession& session) const {
  const std::uint16_t tunnel_id = random_tunnel_id();
  std::array<std::uint8_t, l2tp::kSccrqBytes> request;
  l2tp::build_sccrq(request, tunnel_id);
  std::array<std::uint8_t, kProbeReadChunk> buffer;
  const ReadResult read = co_await udp_exchange(session, request, buffer, [&](std::span<const std::uint8_t> datagram) {
    // A ZLB acknowledgement is not the reply: wait for the message after it.
    return l2tp::answers(datagram, tunnel_id) && get16(datagram.data() + 2) > l2tp::kHeaderBytes;
  });
  if (!read.status.ok()) co_return outcome_from_io(read.status);

  const l2tp::Message reply = l2tp::parse_message(std::span<const std::uint8_t>(buffer.data(), read.bytes));
  ProbeOutcome outcome;
  outcome.data = l2tp::describe(reply);
  if (!reply.valid) {
    outcome.status = GrabStatus::protocol_error;
    outcome.error = json_safe_text(reply.error);
    co_return outcome;
  }
  // The peer now holds a tunnel for us (a StopCCN reply already dropped
  // it): clear it. Ns 1 follows our SCCRQ's 0; Nr acknowledges the SCCRP.
  if (*reply.message_type == l2tp::kSccrp && reply.assigned_tunnel_id.value_or(0) != 0) {
    std::array<std::uint8_t, l2tp::kStopCcnBytes> stop;
    l2tp::build_stopccn(stop, *reply.assigned_tunnel_id, tunnel_id, 1, static_cast<std::uint16_t>(reply.ns + 1));
    if ((co_await session.write(std::span<const std::uint8_t>(stop))).ok())
      co_await session.read_some(buffer, kStopAckWait);
  }
  co_return outcome;
}

}  // namespace fumidai::scanner
