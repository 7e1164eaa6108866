#include "fumidai/scanner/probes/pptp/PptpProbe.h"

#include <array>
#include <vector>

#include "fumidai/scanner/probes/ProbeIo.h"
#include "fumidai/scanner/probes/pptp/PptpControl.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {

boost::asio::awaitable<ProbeOutcome> PptpProbe::run(ProbeSession& session) const {
  std::array<std::uint8_t, pptp::kStartMessageBytes> request;
  pptp::build_start_request(request);
  IoStatus io = co_await session.write(std::span<const std::uint8_t>(request));

  std::vector<std::uint8_t> received;
  pptp::StartReply reply;
  if (io.ok()) {
    std::size_t total = 0;
    io = co_await read_until(session, pptp::kMaxMessageBytes, total, [&](std::span<const std::uint8_t> bytes) {
      received.insert(received.end(), bytes.begin(), bytes.end());
      reply = pptp::parse_start_reply(received, false);
      return reply.state == pptp::ParseState::incomplete ? FeedVerdict::more : FeedVerdict::done;
    });
  }
  if (reply.state == pptp::ParseState::incomplete) {
    if (received.empty()) co_return outcome_from_io(io);
    reply = pptp::parse_start_reply(received, true);
  }

  ProbeOutcome outcome;
  outcome.data = pptp::describe(reply);
  if (reply.state == pptp::ParseState::invalid) {
    outcome.status = GrabStatus::protocol_error;
    outcome.error = json_safe_text(reply.error);
    co_return outcome;
  }
  // The server now holds a control connection for us: ask it to clear it.
  // Its failure changes nothing about what we learned.
  std::array<std::uint8_t, pptp::kStopRequestBytes> stop;
  pptp::build_stop_request(stop);
  co_await session.write(std::span<const std::uint8_t>(stop));
  session.close();
  co_return outcome;
}

}  // namespace fumidai::scanner
