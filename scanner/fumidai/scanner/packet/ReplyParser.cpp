#include "fumidai/scanner/packet/ReplyParser.h"

#include "fumidai/scanner/packet/ByteOrder.h"

namespace fumidai::scanner {

std::optional<TcpReply> parse_tcp_reply(std::span<const std::uint8_t> frame) {
  constexpr std::size_t kEth = 14;
  if (frame.size() < kEth + 20 || get16(frame.data() + 12) != 0x0800) return std::nullopt;
  const auto ip = frame.subspan(kEth);
  const std::size_t ihl = std::size_t{ip[0] & 0x0fu} * 4;
  const std::size_t total = get16(ip.data() + 2);
  if ((ip[0] >> 4) != 4 || ihl < 20 || total < ihl || total > ip.size() || ip[9] != 6) return std::nullopt;
  if ((get16(ip.data() + 6) & 0x1fff) != 0) return std::nullopt;  // a non-first fragment has no TCP header
  const auto tcp = ip.subspan(ihl, total - ihl);
  const std::size_t tcp_header = std::size_t{tcp.size() >= 20 ? tcp[12] >> 4u : 0u} * 4;
  if (tcp.size() < 20 || tcp_header < 20 || tcp_header > tcp.size())
    return std::nullopt;  // as the kernel would drop it
  return TcpReply{get32(ip.data() + 12), get32(ip.data() + 16), get16(tcp.data()), get16(tcp.data() + 2),
                  get32(tcp.data() + 4), get32(tcp.data() + 8), tcp[13],           ip[8]};
}

}  // namespace fumidai::scanner
