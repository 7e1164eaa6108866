#include "fumidai/scanner/scan/ResponseProcessor.h"

#include "fumidai/scanner/packet/ReplyParser.h"

namespace fumidai::scanner {

ResponseProcessor::ResponseProcessor(const ProbeValidator& validator, std::uint32_t scanner_ip, bool report_closed,
                                     OutputModule& output, Clock& clock, ScanCounters& counters)
    : validator_(validator),
      scanner_ip_(scanner_ip),
      report_closed_(report_closed),
      output_(output),
      clock_(clock),
      counters_(counters) {}

void ResponseProcessor::handle_frame(std::span<const std::uint8_t> frame) {
  const auto reply = parse_tcp_reply(frame);
  if (!reply || reply->destination != scanner_ip_) return;
  if (!reply->is_syn_ack() && !reply->is_rst()) return;
  if (!validator_.validate(scanner_ip_, reply->source, reply->source_port, reply->destination_port,
                           reply->acknowledgment)) {
    counters_.invalid.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const std::uint64_t key = (std::uint64_t{reply->source} << 16) | reply->source_port;
  if (!seen_.insert(key).second) {
    counters_.duplicates.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const bool open = reply->is_syn_ack();
  (open ? counters_.open : counters_.closed).fetch_add(1, std::memory_order_relaxed);
  if (!open && !report_closed_) return;
  output_.write(ScanResult{reply->source, reply->source_port,
                           open ? ScanResult::Status::open : ScanResult::Status::closed, reply->ttl,
                           clock_.wall_now_ns()});
}

}  // namespace fumidai::scanner
