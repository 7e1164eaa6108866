#include "fumidai/scanner/udp/IkePayload.h"

#include <algorithm>
#include <cassert>

#include "fumidai/scanner/probes/ike/IkeCodec.h"

namespace fumidai::scanner {

IkePayload::IkePayload(bool nat_traversal) : nat_traversal_(nat_traversal) {
  const std::size_t offset = nat_traversal_ ? kMarkerBytes : 0;
  const std::array<std::uint8_t, 8> no_spi{};
  const auto size = ike::build_ikev2_sa_init(std::span(request_).subspan(offset), no_spi);
  assert(size);  // a fixed request that the unit tests build
  size_ = offset + (size ? *size : 0);
}

std::size_t IkePayload::build(const UdpCookie& cookie, std::span<std::uint8_t> out) const {
  std::copy_n(request_.begin(), size_, out.begin());
  std::copy(cookie.bytes.begin(), cookie.bytes.end(), out.begin() + (nat_traversal_ ? kMarkerBytes : 0));
  return size_;
}

std::span<const std::uint8_t> IkePayload::message(std::span<const std::uint8_t> reply) const {
  if (!nat_traversal_) return reply;
  if (reply.size() < kMarkerBytes ||
      !std::all_of(reply.begin(), reply.begin() + kMarkerBytes, [](auto b) { return b == 0; }))
    return {};
  return reply.subspan(kMarkerBytes);
}

bool IkePayload::validate(std::span<const std::uint8_t> reply, const UdpCookie& cookie) const {
  return ike::answers(message(reply), cookie.bytes);
}

boost::json::object IkePayload::describe(std::span<const std::uint8_t> reply) const {
  return ike::describe(message(reply));
}

}  // namespace fumidai::scanner
