#include "fumidai/scanner/probes/ssh/SshProbe.h"

#include <sys/random.h>

#include "fumidai/scanner/probes/ProbeIo.h"
#include "fumidai/scanner/probes/ssh/SshBannerParser.h"
#include "fumidai/scanner/probes/ssh/SshClientHello.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {
namespace {

namespace json = boost::json;

json::array names(const std::vector<std::string>& list) {
  json::array a;
  for (const auto& n : list) a.emplace_back(json_safe_text(n));
  return a;
}

json::object describe(const SshServerHello& h) {
  json::object o;
  o["protocol_version"] = json_safe_text(h.protocol_version);
  o["software_version"] = json_safe_text(h.software_version);
  o["comments"] = json_safe_text(h.comments);
  o["banner"] = json_safe_text("SSH-" + h.protocol_version + "-" + h.software_version +
                               (h.comments.empty() ? "" : " " + h.comments));
  if (!h.preamble.empty()) o["preamble"] = names(h.preamble);
  if (h.identification_too_long) o["identification_too_long"] = true;
  if (h.kex_init) {
    json::object kex;
    const auto lists = h.kex_init->name_lists();
    for (std::size_t i = 0; i < lists.size(); ++i) kex[SshKexInit::kNameListNames[i]] = names(*lists[i]);
    o["kex_init"] = std::move(kex);
  }
  if (h.disconnect) {
    o["disconnect"] = json::object{{"reason_code", h.disconnect->reason_code},
                                   {"description", json_safe_text(h.disconnect->description)}};
  }
  return o;
}

std::vector<std::uint8_t> client_hello() {
  std::array<std::uint8_t, 16> cookie{};
  (void)::getrandom(cookie.data(), cookie.size(), 0);  // a cookie need not be secret; zeros would do
  std::vector<std::uint8_t> bytes;
  const auto identification = make_ssh_identification(kSshDefaultSoftwareVersion);
  const auto kex = build_ssh_kex_init_packet(default_ssh_kex_offer(cookie));
  // Both are built from constants; the unit tests check they build.
  if (identification) bytes.assign(identification->begin(), identification->end());
  if (kex) bytes.insert(bytes.end(), kex->begin(), kex->end());
  return bytes;
}

}  // namespace

boost::asio::awaitable<ProbeOutcome> grab_ssh(ProbeSession& session, std::span<const std::uint8_t> already_read) {
  SshBannerParser parser;
  std::optional<Error> parse_error;
  bool complete = false;
  const auto feed = [&](std::span<const std::uint8_t> bytes) {
    auto progress = parser.feed(bytes);
    if (!progress) {
      parse_error = progress.error();
      return FeedVerdict::failed;
    }
    complete = *progress == SshBannerParser::Progress::complete;
    return complete ? FeedVerdict::done : FeedVerdict::more;
  };
  IoStatus io;
  std::size_t total = already_read.size();
  if (feed(already_read) == FeedVerdict::more) {
    const auto hello = client_hello();
    io = co_await session.write(std::span<const std::uint8_t>(hello));
    if (io.ok()) io = co_await read_until(session, SshBannerParser::kMaxPacketLength * 2, total, feed);
  }
  ProbeOutcome outcome;
  if (parser.identification_received()) outcome.data = describe(parser.hello());
  if (parse_error) {
    outcome.status = GrabStatus::protocol_error;
    outcome.error = json_safe_text(parse_error->message);
  } else if (!complete && !parser.identification_received()) {
    outcome = outcome_from_io(io, std::move(outcome.data));
  }
  // An identification without a KEXINIT (the server went quiet or closed) is
  // still a successful banner grab.
  co_return outcome;
}

boost::asio::awaitable<ProbeOutcome> SshProbe::run(ProbeSession& session) const {
  co_return co_await grab_ssh(session, {});
}

}  // namespace fumidai::scanner
