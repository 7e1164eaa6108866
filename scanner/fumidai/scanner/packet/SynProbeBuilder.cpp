#include "fumidai/scanner/packet/SynProbeBuilder.h"

#include <algorithm>

#include "fumidai/scanner/packet/ByteOrder.h"
#include "fumidai/scanner/packet/Checksum.h"
#include "fumidai/scanner/packet/FrameLayout.h"

namespace fumidai::scanner {
namespace {

constexpr std::size_t kTcp = kProbeTransport;
constexpr std::uint16_t kTcpLength = 24;
constexpr std::uint16_t kWindow = 65535;
constexpr std::uint16_t kMss = 1460;

}  // namespace

SynProbeBuilder::SynProbeBuilder(const MacAddress& source_mac, const MacAddress& gateway_mac, std::uint32_t source_ip) {
  auto* f = template_.data();
  std::copy(gateway_mac.begin(), gateway_mac.end(), f);
  std::copy(source_mac.begin(), source_mac.end(), f + 6);
  put16(f + 12, 0x0800);
  // IPv4: version 4, IHL 5, DF clear, TTL, protocol TCP; id/dst/checksum per probe.
  f[kIpHeader] = 0x45;
  put16(f + kIpHeader + 2, 20 + kTcpLength);
  f[kIpHeader + 8] = kProbeTtl;
  f[kIpHeader + 9] = 6;
  put32(f + kIpHeader + 12, source_ip);
  // TCP: data offset 6 words, SYN, window, MSS option; ports/seq/checksum per probe.
  f[kTcp + 12] = (kTcpLength / 4) << 4;
  f[kTcp + 13] = 0x02;
  put16(f + kTcp + 14, kWindow);
  f[kTcp + 20] = 2;
  f[kTcp + 21] = 4;
  put16(f + kTcp + 22, kMss);
  ip_sum_ = checksum_partial({f + kIpHeader, 20});
  tcp_sum_ = checksum_partial({f + kTcp, kTcpLength}, pseudo_header_sum(source_ip, 0, 6, kTcpLength));
}

void SynProbeBuilder::build(const SynProbe& p, std::span<std::uint8_t, kFrameSize> frame) const {
  std::uint8_t* f = frame.data();
  std::copy(template_.begin(), template_.end(), f);
  put16(f + kIpHeader + 4, p.ip_id);
  put32(f + kIpHeader + 16, p.destination);
  const std::uint32_t dst_sum = (p.destination >> 16) + (p.destination & 0xffff);
  put16(f + kIpHeader + 10, checksum_finish(ip_sum_ + p.ip_id + dst_sum));
  put16(f + kTcp, p.source_port);
  put16(f + kTcp + 2, p.destination_port);
  put32(f + kTcp + 4, p.sequence);
  const std::uint32_t tcp =
      tcp_sum_ + dst_sum + p.source_port + p.destination_port + (p.sequence >> 16) + (p.sequence & 0xffff);
  put16(f + kTcp + 16, checksum_finish(tcp));
}

}  // namespace fumidai::scanner
