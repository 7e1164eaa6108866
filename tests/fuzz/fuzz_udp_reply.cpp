// Fuzz target: UDP and ICMP frames from the network. The input is one
// captured frame, starting at the Ethernet header, exactly as the receiver
// hands it over.
//
// 1. parse_udp_reply and parse_icmp_unreachable on their own, checking what
//    they promise about a frame they accept.
// 2. The whole receive side with the built-in UDP payloads:
//    ResponseProcessor::handle_frame (parse, stateless validation, the
//    payload's check and description, de-duplication, output).
// 3. A random frame almost never answers one of our probes (a SipHash-chosen
//    source port, and for DNS a cookie in the transaction ID), so validation
//    would hide the payloads' code from the fuzzer. When the frame parses as
//    UDP, the harness rewrites it into an answer to our probe (destination
//    address and port, and the DNS ID when the source port is 53); when it
//    parses as an ICMP unreachable, into one quoting our probe. Fed twice, it
//    must be reported exactly once, or, a UDP reply its payload rejects,
//    never.
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "FuzzCheck.h"
#include "fumidai/core/ManualClock.h"
#include "fumidai/scanner/output/OutputModule.h"
#include "fumidai/scanner/packet/ByteOrder.h"
#include "fumidai/scanner/packet/ReplyParser.h"
#include "fumidai/scanner/scan/ResponseProcessor.h"
#include "fumidai/scanner/scan/ScanCounters.h"
#include "fumidai/scanner/udp/UdpCookie.h"
#include "fumidai/scanner/udp/UdpPayloadProfile.h"
#include "fumidai/scanner/validate/ProbeValidator.h"

using namespace fumidai;
using namespace fumidai::scanner;

namespace {

// Seeds in corpus/fuzz_udp_reply/ that are genuine replies were made with
// these values; change them together.
constexpr SipKey kKey{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
constexpr std::uint32_t kScannerIp = 0xC0000202;  // 192.0.2.2
constexpr std::uint16_t kPortFirst = 32768;
constexpr std::uint16_t kPortLast = 61000;
constexpr std::uint32_t kProbes = 2;
constexpr std::size_t kEthernet = 14;

class KeepingOutput final : public OutputModule {
 public:
  void write(const ScanResult& result) override {
    ++writes;
    last = result;
    // What goes into "data" is a serialized JSON object.
    if (!result.data.empty()) {
      boost::system::error_code ec;
      const auto value = boost::json::parse(result.data, ec);
      FUZZ_CHECK(!ec && value.is_object());
    }
  }
  Result<> finish() override { return {}; }

  std::size_t writes = 0;
  ScanResult last{};
};

std::uint64_t responses(const ScanCounters& c) { return c.open.load() + c.closed.load() + c.unreachable.load(); }

struct Pipeline {
  ManualClock clock;
  ScanCounters counters;
  KeepingOutput output;
  ResponseProcessor processor;
  Pipeline(const ProbeValidator& validator, const UdpPayloadProfile& profile)
      : processor(validator, kScannerIp, /*report_closed=*/true, output, clock, counters, &profile) {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> frame(data, size);
  static const ProbeValidator validator(kKey, kPortFirst, kPortLast, kProbes);
  static const UdpPayloadProfile profile = UdpPayloadProfile::built_in();

  // 1. The parsers alone.
  const auto udp = parse_udp_reply(frame);
  if (udp) {
    FUZZ_CHECK(size >= kEthernet + 20 + 8);
    FUZZ_CHECK(data[12] == 0x08 && data[13] == 0x00 && data[kEthernet + 9] == 17);
    FUZZ_CHECK(udp->ttl == data[kEthernet + 8]);
    FUZZ_CHECK(udp->payload.data() >= data + kEthernet + 28 &&
               udp->payload.data() + udp->payload.size() <= data + size);
  }
  const auto icmp = parse_icmp_unreachable(frame);
  if (icmp) {
    FUZZ_CHECK(size >= kEthernet + 20 + 8 + 20 + 8);
    FUZZ_CHECK(data[kEthernet + 9] == 1);
    FUZZ_CHECK(icmp->ttl == data[kEthernet + 8]);
  }
  FUZZ_CHECK(!(udp && icmp));

  // 2. The receive pipeline on the frame as captured.
  {
    Pipeline p(validator, profile);
    p.processor.handle_frame(frame);
    FUZZ_CHECK(responses(p.counters) <= 1);
    FUZZ_CHECK(p.output.writes == responses(p.counters));
  }

  // 3. The frame turned into an answer to one of our probes.
  const std::size_t ihl = size > kEthernet ? std::size_t{data[kEthernet] & 0x0fu} * 4 : 0;
  std::vector<std::uint8_t> genuine(frame.begin(), frame.end());
  if (udp) {
    const ProbeCookie cookie = validator.cookie(kScannerIp, udp->source, udp->source_port, Transport::udp);
    const UdpCookie bytes = UdpCookie::from(cookie);
    put32(&genuine[kEthernet + 16], kScannerIp);
    put16(&genuine[kEthernet + ihl + 2], validator.source_port(cookie, udp->ttl % kProbes));
    const std::size_t payload = kEthernet + ihl + 8;
    if (udp->source_port == 53 && udp->payload.size() >= 2) {
      genuine[payload] = bytes.bytes[0];
      genuine[payload + 1] = bytes.bytes[1];
    }
    const UdpPayload& expected_payload = *profile.payload_for(udp->source_port);
    const bool accepted = expected_payload.validate({genuine.data() + payload, udp->payload.size()}, bytes);
    Pipeline p(validator, profile);
    p.processor.handle_frame(genuine);
    p.processor.handle_frame(genuine);  // a retransmission
    if (accepted) {
      FUZZ_CHECK(p.output.writes == 1 && p.counters.udp_open.load() == 1);
      FUZZ_CHECK(p.counters.duplicates.load() == 1);
      FUZZ_CHECK(p.output.last.ip == udp->source && p.output.last.port == udp->source_port);
      FUZZ_CHECK(p.output.last.transport == Transport::udp && p.output.last.status == ScanResult::Status::open);
      FUZZ_CHECK(p.output.last.protocol == expected_payload.protocol());
    } else {
      FUZZ_CHECK(p.output.writes == 0 && p.counters.invalid.load() == 2);
    }
  }
  if (icmp) {
    const std::size_t quote = kEthernet + ihl + 8;
    const std::size_t quoted_ihl = std::size_t{genuine[quote] & 0x0fu} * 4;
    const ProbeCookie cookie =
        validator.cookie(kScannerIp, icmp->quoted_destination, icmp->quoted_destination_port, Transport::udp);
    put32(&genuine[kEthernet + 16], kScannerIp);
    put32(&genuine[quote + 12], kScannerIp);
    put16(&genuine[quote + quoted_ihl], validator.source_port(cookie, icmp->ttl % kProbes));
    Pipeline p(validator, profile);
    p.processor.handle_frame(genuine);
    p.processor.handle_frame(genuine);
    FUZZ_CHECK(p.output.writes == 1 && responses(p.counters) == 1 && p.counters.invalid.load() == 0);
    FUZZ_CHECK(p.output.last.ip == icmp->quoted_destination && p.output.last.port == icmp->quoted_destination_port);
    FUZZ_CHECK((p.output.last.status == ScanResult::Status::closed) ==
               (icmp->code == IcmpUnreachable::kPortUnreachable));
  }
  return 0;
}
