// Fuzz target: frames from the network. The input is one captured frame,
// starting at the Ethernet header, exactly as the receiver hands it over.
//
// 1. parse_tcp_reply on its own, checking what it promises about a frame it
//    accepts.
// 2. The whole receive side: ResponseProcessor::handle_frame (parse, stateless
//    validation, de-duplication, output).
// 3. A random frame almost never carries a valid probe cookie (a 64-bit
//    SipHash), so validation would hide everything after it from the fuzzer.
//    When the frame parses as a SYN-ACK or RST, the harness therefore also
//    rewrites its destination address, destination port and acknowledgment
//    number into those of a genuine reply and feeds that twice: it must be
//    reported exactly once.
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
#include "fumidai/scanner/validate/ProbeValidator.h"

using namespace fumidai;
using namespace fumidai::scanner;

namespace {

// Seeds in corpus/fuzz_reply_parser/ that are genuine replies were made with
// these values; change them together.
constexpr SipKey kKey{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
constexpr std::uint32_t kScannerIp = 0xC0000202;  // 192.0.2.2
constexpr std::uint16_t kPortFirst = 32768;
constexpr std::uint16_t kPortLast = 61000;
constexpr std::uint32_t kProbes = 2;
constexpr std::size_t kEthernet = 14;

class DiscardingOutput final : public OutputModule {
 public:
  void write(const ScanResult& result) override {
    ++writes;
    last = result;
  }
  Result<> finish() override { return {}; }

  std::size_t writes = 0;
  ScanResult last{};
};

std::uint64_t responses(const ScanCounters& counters) { return counters.open.load() + counters.closed.load(); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> frame(data, size);

  // 1. The parser alone.
  const auto reply = parse_tcp_reply(frame);
  if (reply) {
    // An accepted frame holds at least Ethernet + a 20-byte IPv4 header + a
    // 20-byte TCP header, and says it is IPv4/TCP.
    FUZZ_CHECK(size >= kEthernet + 20 + 20);
    FUZZ_CHECK(data[12] == 0x08 && data[13] == 0x00);
    FUZZ_CHECK(data[kEthernet + 9] == 6);
    FUZZ_CHECK(reply->ttl == data[kEthernet + 8]);
  }

  // 2. The receive pipeline on the frame as captured.
  static const ProbeValidator validator(kKey, kPortFirst, kPortLast, kProbes);
  ManualClock clock;
  ScanCounters counters;
  DiscardingOutput output;
  ResponseProcessor processor(validator, kScannerIp, /*report_closed=*/true, output, clock, counters);
  processor.handle_frame(frame);
  FUZZ_CHECK(responses(counters) <= 1);
  FUZZ_CHECK(output.writes == responses(counters));

  // 3. The same frame turned into a genuine reply to one of our probes.
  if (!reply || (!reply->is_syn_ack() && !reply->is_rst())) return 0;
  const std::size_t ihl = std::size_t{data[kEthernet] & 0x0fu} * 4;
  const std::size_t tcp = kEthernet + ihl;
  std::vector<std::uint8_t> genuine(frame.begin(), frame.end());
  const ProbeCookie cookie = validator.cookie(kScannerIp, reply->source, reply->source_port);
  put32(&genuine[kEthernet + 16], kScannerIp);
  put16(&genuine[tcp + 2], validator.source_port(cookie, reply->sequence % kProbes));
  put32(&genuine[tcp + 8], cookie.sequence + 1);
  processor.handle_frame(genuine);
  processor.handle_frame(genuine);  // a retransmission
  FUZZ_CHECK(responses(counters) == 1);
  FUZZ_CHECK(output.writes == 1);
  FUZZ_CHECK(counters.invalid.load() <= 1);  // only the frame as captured can fail validation
  FUZZ_CHECK(counters.duplicates.load() >= 1);
  FUZZ_CHECK(output.last.ip == reply->source);
  FUZZ_CHECK(output.last.port == reply->source_port);
  FUZZ_CHECK(output.last.ttl == reply->ttl);
  FUZZ_CHECK((output.last.status == ScanResult::Status::open) == reply->is_syn_ack());
  return 0;
}
