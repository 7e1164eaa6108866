#include "fumidai/scanner/packet/ReplyParser.h"

#include <algorithm>

#include "fumidai/scanner/packet/ByteOrder.h"
#include "fumidai/scanner/packet/FrameLayout.h"

namespace fumidai::scanner {
namespace {

constexpr std::size_t kEth = kIpHeader;
constexpr std::uint8_t kIcmpUnreachable = 3;

// An IPv4 packet's header and what follows it up to the total length, or up
// to the end of the capture when the receiver cut the packet short.
struct Ipv4View {
  std::span<const std::uint8_t> header;
  std::span<const std::uint8_t> body;
  bool cut;             // the capture ends before the total length
  bool later_fragment;  // no transport header in it
  bool more_fragments;
};

// A well-formed IPv4 header of `protocol` whose total length fits in `ip`, or
// with `allow_cut`, whose total length may run past the capture.
std::optional<Ipv4View> parse_ipv4(std::span<const std::uint8_t> ip, std::uint8_t protocol, bool allow_cut) {
  if (ip.size() < 20) return std::nullopt;
  const std::size_t ihl = std::size_t{ip[0] & 0x0fu} * 4;
  const std::size_t total = get16(ip.data() + 2);
  if ((ip[0] >> 4) != 4 || ihl < 20 || total < ihl || ihl > ip.size() || ip[9] != protocol) return std::nullopt;
  const bool cut = total > ip.size();
  if (cut && !allow_cut) return std::nullopt;
  const std::uint16_t fragment = get16(ip.data() + 6);
  return Ipv4View{ip.first(ihl), ip.subspan(ihl, std::min(total, ip.size()) - ihl), cut, (fragment & 0x1fff) != 0,
                  (fragment & 0x2000) != 0};
}

std::optional<Ipv4View> parse_frame(std::span<const std::uint8_t> frame, std::uint8_t protocol,
                                    bool allow_cut = false) {
  if (frame.size() < kEth + 20 || get16(frame.data() + 12) != 0x0800) return std::nullopt;
  auto ip = parse_ipv4(frame.subspan(kEth), protocol, allow_cut);
  if (!ip || ip->later_fragment) return std::nullopt;
  return ip;
}

}  // namespace

std::optional<TcpReply> parse_tcp_reply(std::span<const std::uint8_t> frame) {
  const auto ip = parse_frame(frame, kIpProtocolTcp);
  if (!ip) return std::nullopt;
  const auto tcp = ip->body;
  const std::size_t tcp_header = std::size_t{tcp.size() >= 20 ? tcp[12] >> 4u : 0u} * 4;
  if (tcp.size() < 20 || tcp_header < 20 || tcp_header > tcp.size())
    return std::nullopt;  // as the kernel would drop it
  const auto h = ip->header.data();
  return TcpReply{get32(h + 12),         get32(h + 16),         get16(tcp.data()), get16(tcp.data() + 2),
                  get32(tcp.data() + 4), get32(tcp.data() + 8), tcp[13],           h[8]};
}

std::optional<UdpReply> parse_udp_reply(std::span<const std::uint8_t> frame) {
  const auto ip = parse_frame(frame, kIpProtocolUdp, /*allow_cut=*/true);
  if (!ip || ip->body.size() < 8) return std::nullopt;
  const auto udp = ip->body;
  const std::size_t length = get16(udp.data() + 4);
  if (length < 8) return std::nullopt;
  // A whole datagram must fit its IP packet; only a first fragment, or a
  // packet the capture cut, may hold less of it.
  if (length > udp.size() && !ip->more_fragments && !ip->cut) return std::nullopt;
  const std::size_t available = std::min(length, udp.size()) - 8;
  const auto h = ip->header.data();
  return UdpReply{get32(h + 12),         get32(h + 16), get16(udp.data()),
                  get16(udp.data() + 2), h[8],          udp.subspan(8, available),
                  length - 8 > available};
}

std::optional<IcmpUnreachable> parse_icmp_unreachable(std::span<const std::uint8_t> frame) {
  // The quote may be long (Linux quotes up to 576 bytes); the capture keeps
  // only the headers.
  const auto ip = parse_frame(frame, kIpProtocolIcmp, /*allow_cut=*/true);
  if (!ip || ip->body.size() < 8 || ip->body[0] != kIcmpUnreachable) return std::nullopt;
  // The quote: at least the original IPv4 header and 8 bytes of its UDP
  // header (RFC 792). Its total length is that of the original datagram, not
  // of the quote, so it is not checked against what is here.
  const auto quote = ip->body.subspan(8);
  if (quote.size() < 20) return std::nullopt;
  const std::size_t ihl = std::size_t{quote[0] & 0x0fu} * 4;
  if ((quote[0] >> 4) != 4 || ihl < 20 || quote.size() < ihl + 8 || quote[9] != kIpProtocolUdp) return std::nullopt;
  if ((get16(quote.data() + 6) & 0x1fff) != 0) return std::nullopt;  // about a later fragment: no UDP header
  const auto h = ip->header.data();
  const auto q = quote.data();
  return IcmpUnreachable{get32(h + 12), get32(h + 16), ip->body[1],    h[8],
                         get32(q + 12), get32(q + 16), get16(q + ihl), get16(q + ihl + 2)};
}

}  // namespace fumidai::scanner
