#include "fumidai/scanner/probes/telnet/TelnetProbe.h"

#include <fmt/format.h>

#include "fumidai/scanner/probes/ProbeIo.h"
#include "fumidai/scanner/probes/telnet/TelnetNegotiator.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {
namespace {

namespace json = boost::json;

// Bytes read at most: a storm of option requests carries no banner, so the
// probe stops after this many rather than read forever.
constexpr std::size_t kMaxTelnetBytes = 64 * 1024;

std::string_view command_name(std::uint8_t c) {
  switch (c) {
    case TelnetNegotiator::kWill:
      return "WILL";
    case TelnetNegotiator::kWont:
      return "WONT";
    case TelnetNegotiator::kDo:
      return "DO";
    default:
      return "DONT";
  }
}

json::object describe(const TelnetNegotiator& n) {
  json::object o;
  o["banner"] = json_safe_text(n.banner());
  o["banner_truncated"] = n.banner_truncated();
  json::array options;
  for (const auto& r : n.option_requests())
    options.emplace_back(json::object{{"command", command_name(r.command)}, {"option", r.option}});
  o["option_requests"] = std::move(options);
  const TelnetPrompt prompt = n.prompt();
  o["prompt"] = prompt == TelnetPrompt::login ? "login" : prompt == TelnetPrompt::password ? "password" : "none";
  return o;
}

}  // namespace

boost::asio::awaitable<ProbeOutcome> grab_telnet(ProbeSession& session, std::span<const std::uint8_t> already_read) {
  TelnetNegotiator negotiator;
  std::vector<std::uint8_t> reply;
  IoStatus io;
  std::size_t total = already_read.size();
  // Feeds bytes, sends the refusals they call for, and stops at a prompt.
  auto step = [&](std::span<const std::uint8_t> bytes) -> boost::asio::awaitable<bool> {
    reply.clear();
    negotiator.feed(bytes, reply);
    if (!reply.empty()) {
      io = co_await session.write(std::span<const std::uint8_t>(reply));
      if (!io.ok()) co_return false;
    }
    co_return negotiator.prompt() == TelnetPrompt::none && !negotiator.banner_truncated();
  };
  bool more = co_await step(already_read);
  std::array<std::uint8_t, kProbeReadChunk> buffer;
  while (more && io.ok()) {
    if (total >= kMaxTelnetBytes) {
      io = {IoError::other, fmt::format("{} bytes without a prompt", total)};
      break;
    }
    const ReadResult read = co_await session.read_some(buffer);
    io = read.status;
    if (!io.ok()) break;
    total += read.bytes;
    more = co_await step(std::span<const std::uint8_t>(buffer.data(), read.bytes));
  }
  ProbeOutcome outcome;
  outcome.data = describe(negotiator);
  const bool heard_something = !negotiator.banner().empty() || !negotiator.option_requests().empty();
  // A server that said its piece and then waits (or hangs up) without a
  // prompt still gave us a banner.
  if (!io.ok() && !(heard_something && (io.error == IoError::timeout || io.error == IoError::eof)))
    outcome = outcome_from_io(io, std::move(outcome.data));
  co_return outcome;
}

boost::asio::awaitable<ProbeOutcome> TelnetProbe::run(ProbeSession& session) const {
  co_return co_await grab_telnet(session, {});
}

}  // namespace fumidai::scanner
