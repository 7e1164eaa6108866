#include "fumidai/scanner/packet/UdpProbeBuilder.h"

#include <algorithm>
#include <cassert>

#include "fumidai/scanner/packet/ByteOrder.h"
#include "fumidai/scanner/packet/Checksum.h"
#include "fumidai/scanner/packet/FrameLayout.h"

namespace fumidai::scanner {
namespace {

constexpr std::size_t kUdp = kProbeTransport;

}  // namespace

UdpProbeBuilder::UdpProbeBuilder(const MacAddress& source_mac, const MacAddress& gateway_mac, std::uint32_t source_ip) {
  auto* f = template_.data();
  std::copy(gateway_mac.begin(), gateway_mac.end(), f);
  std::copy(source_mac.begin(), source_mac.end(), f + 6);
  put16(f + 12, 0x0800);
  // IPv4: version 4, IHL 5, DF clear, TTL, protocol UDP; length/id/dst/checksum per probe.
  f[kIpHeader] = 0x45;
  f[kIpHeader + 8] = kProbeTtl;
  f[kIpHeader + 9] = kIpProtocolUdp;
  put32(f + kIpHeader + 12, source_ip);
  ip_sum_ = checksum_partial({f + kIpHeader, 20});
  udp_sum_ = pseudo_header_sum(source_ip, 0, kIpProtocolUdp, 0);
}

std::size_t UdpProbeBuilder::build(const UdpProbe& p, std::size_t payload_size, std::span<std::uint8_t> frame) const {
  assert(payload_size <= kMaxPayload && frame.size() >= kHeaderSize + payload_size);
  std::uint8_t* f = frame.data();
  std::copy(template_.begin(), template_.end(), f);
  const auto udp_length = static_cast<std::uint16_t>(8 + payload_size);
  const auto ip_length = static_cast<std::uint16_t>(20 + udp_length);
  put16(f + kIpHeader + 2, ip_length);
  put16(f + kIpHeader + 4, p.ip_id);
  put32(f + kIpHeader + 16, p.destination);
  const std::uint32_t dst_sum = (p.destination >> 16) + (p.destination & 0xffff);
  put16(f + kIpHeader + 10, checksum_finish(ip_sum_ + ip_length + p.ip_id + dst_sum));
  put16(f + kUdp, p.source_port);
  put16(f + kUdp + 2, p.destination_port);
  put16(f + kUdp + 4, udp_length);
  // The length counts twice: once in the pseudo-header, once in the header.
  const std::uint32_t sum = checksum_partial({f + kHeaderSize, payload_size},
                                             udp_sum_ + dst_sum + 2u * udp_length + p.source_port + p.destination_port);
  const std::uint16_t checksum = checksum_finish(sum);
  put16(f + kUdp + 6, checksum == 0 ? 0xffff : checksum);  // 0 would mean "no checksum" (RFC 768)
  return kHeaderSize + payload_size;
}

}  // namespace fumidai::scanner
