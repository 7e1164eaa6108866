#include "fumidai/scanner/scan/ResponseProcessor.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "fumidai/scanner/packet/FrameLayout.h"
#include "fumidai/scanner/packet/ReplyParser.h"
#include "fumidai/scanner/target/Ipv4.h"
#include "fumidai/scanner/udp/UdpCookie.h"

namespace fumidai::scanner {
namespace {

constexpr std::size_t kIpProtocolOffset = kIpHeader + 9;
constexpr int kIcmpUnreachable = 3;

}  // namespace

ResponseProcessor::ResponseProcessor(const ProbeValidator& validator, std::uint32_t scanner_ip, bool report_closed,
                                     OutputModule& output, Clock& clock, ScanCounters& counters,
                                     const UdpPayloadProfile* udp_payloads)
    : validator_(validator),
      scanner_ip_(scanner_ip),
      report_closed_(report_closed),
      output_(output),
      clock_(clock),
      counters_(counters),
      udp_payloads_(udp_payloads) {}

void ResponseProcessor::handle_frame(std::span<const std::uint8_t> frame) {
  // The parsers check everything; this only picks which one.
  if (frame.size() <= kIpProtocolOffset) return;
  switch (frame[kIpProtocolOffset]) {
    case kIpProtocolTcp:
      handle_tcp(frame);
      break;
    case kIpProtocolUdp:
      if (udp_payloads_ != nullptr) handle_udp(frame);
      break;
    case kIpProtocolIcmp:
      if (udp_payloads_ != nullptr) handle_icmp(frame);
      break;
    default:
      break;
  }
}

bool ResponseProcessor::first_answer(std::uint32_t ip, Transport transport, std::uint16_t port) {
  const std::uint64_t key = (std::uint64_t{ip} << 17) | (std::uint64_t{transport == Transport::udp} << 16) | port;
  if (seen_.insert(key).second) return true;
  counters_.duplicates.fetch_add(1, std::memory_order_relaxed);
  return false;
}

void ResponseProcessor::handle_tcp(std::span<const std::uint8_t> frame) {
  const auto reply = parse_tcp_reply(frame);
  if (!reply || reply->destination != scanner_ip_) return;
  if (!reply->is_syn_ack() && !reply->is_rst()) return;
  if (!validator_.validate(scanner_ip_, reply->source, reply->source_port, reply->destination_port,
                           reply->acknowledgment)) {
    counters_.invalid.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (!first_answer(reply->source, Transport::tcp, reply->source_port)) return;
  const bool open = reply->is_syn_ack();
  (open ? counters_.open : counters_.closed).fetch_add(1, std::memory_order_relaxed);
  if (!open && !report_closed_) return;
  output_.write(ScanResult{reply->source, reply->source_port,
                           open ? ScanResult::Status::open : ScanResult::Status::closed, reply->ttl,
                           clock_.wall_now_ns()});
}

void ResponseProcessor::handle_udp(std::span<const std::uint8_t> frame) {
  const auto reply = parse_udp_reply(frame);
  if (!reply || reply->destination != scanner_ip_) return;
  const ProbeCookie cookie = validator_.cookie(scanner_ip_, reply->source, reply->source_port, Transport::udp);
  const UdpPayload* payload = udp_payloads_->payload_for(reply->source_port);
  if (!validator_.is_source_port(cookie, reply->destination_port) ||
      !payload->validate(reply->payload, UdpCookie::from(cookie))) {
    counters_.invalid.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (!first_answer(reply->source, Transport::udp, reply->source_port)) return;
  counters_.open.fetch_add(1, std::memory_order_relaxed);
  counters_.udp_open.fetch_add(1, std::memory_order_relaxed);
  ScanResult result{reply->source, reply->source_port, ScanResult::Status::open, reply->ttl, clock_.wall_now_ns()};
  result.transport = Transport::udp;
  result.protocol = payload->protocol();
  boost::json::object data = payload->describe(reply->payload);
  if (reply->truncated) data["reply_truncated"] = true;
  result.data = boost::json::serialize(data);
  output_.write(result);
}

void ResponseProcessor::handle_icmp(std::span<const std::uint8_t> frame) {
  const auto icmp = parse_icmp_unreachable(frame);
  if (!icmp || icmp->destination != scanner_ip_ || icmp->quoted_source != scanner_ip_) return;
  const ProbeCookie cookie =
      validator_.cookie(scanner_ip_, icmp->quoted_destination, icmp->quoted_destination_port, Transport::udp);
  if (!validator_.is_source_port(cookie, icmp->quoted_source_port)) {
    counters_.invalid.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (!first_answer(icmp->quoted_destination, Transport::udp, icmp->quoted_destination_port)) return;
  const bool closed = icmp->code == IcmpUnreachable::kPortUnreachable;
  if (closed) {
    counters_.closed.fetch_add(1, std::memory_order_relaxed);
    counters_.udp_closed.fetch_add(1, std::memory_order_relaxed);
  } else {
    counters_.unreachable.fetch_add(1, std::memory_order_relaxed);
  }
  if (!report_closed_) return;
  ScanResult result{icmp->quoted_destination, icmp->quoted_destination_port,
                    closed ? ScanResult::Status::closed : ScanResult::Status::unreachable, icmp->ttl,
                    clock_.wall_now_ns()};
  result.transport = Transport::udp;
  // Who said no, when it was not the target itself (a router or a filter).
  if (!closed || icmp->source != icmp->quoted_destination) {
    result.data = boost::json::serialize(boost::json::object{
        {"icmp_type", kIcmpUnreachable}, {"icmp_code", icmp->code}, {"icmp_source", format_ipv4(icmp->source)}});
  }
  output_.write(result);
}

}  // namespace fumidai::scanner
