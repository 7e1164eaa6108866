#include "fumidai/scanner/probes/ftp/FtpProbe.h"

#include "fumidai/scanner/probes/ProbeIo.h"
#include "fumidai/scanner/probes/ftp/FtpReplyParser.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {

boost::asio::awaitable<ProbeOutcome> grab_ftp(ProbeSession& session, std::span<const std::uint8_t> already_read) {
  FtpReplyParser parser;
  std::optional<Error> parse_error;
  const auto feed = [&](std::span<const std::uint8_t> bytes) {
    auto consumed = parser.feed(bytes);
    if (!consumed) {
      parse_error = consumed.error();
      return FeedVerdict::failed;
    }
    return parser.complete() ? FeedVerdict::done : FeedVerdict::more;
  };
  IoStatus io;
  std::size_t total = already_read.size();
  if (feed(already_read) == FeedVerdict::more)
    io = co_await read_until(session, FtpReplyParser::kMaxLineBytes * FtpReplyParser::kMaxLines, total, feed);

  ProbeOutcome outcome;
  if (parser.complete()) {
    const FtpReply& reply = parser.reply();
    std::string banner;
    for (const auto& line : reply.lines) {
      if (!banner.empty()) banner += '\n';
      banner += line;
    }
    outcome.data["code"] = reply.code;
    outcome.data["banner"] = json_safe_text(banner);
    // Polite goodbye; its failure changes nothing about what we learned.
    co_await session.write(std::string_view("QUIT\r\n"));
  } else if (parse_error) {
    outcome.status = GrabStatus::protocol_error;
    outcome.error = json_safe_text(parse_error->message);
  } else {
    outcome = outcome_from_io(io);
  }
  co_return outcome;
}

boost::asio::awaitable<ProbeOutcome> FtpProbe::run(ProbeSession& session) const {
  co_return co_await grab_ftp(session, {});
}

}  // namespace fumidai::scanner
