#include "fumidai/scanner/probes/ike/IkeCodec.h"

#include <algorithm>

#include "fumidai/scanner/probes/ike/IkeDescription.h"
#include "fumidai/scanner/probes/ike/IkeMessageParser.h"
#include "fumidai/scanner/probes/ike/IkeRequest.h"
#include "fumidai/scanner/probes/ike/IkeVendorIds.h"

namespace fumidai::scanner::ike {

Result<std::size_t> build_ikev2_sa_init(std::span<std::uint8_t> out, std::span<const std::uint8_t, 8> cookie) {
  IkeSpi spi;
  std::copy(cookie.begin(), cookie.end(), spi.begin());
  auto request = make_ikev2_init_request(spi, kDhModp2048);
  if (!request) return request.error();
  return scanner::build_ikev2_sa_init(out, *request);
}

bool answers(std::span<const std::uint8_t> reply, std::span<const std::uint8_t, 8> cookie) {
  if (reply.size() < kIkeHeaderBytes || !std::equal(cookie.begin(), cookie.end(), reply.begin())) return false;
  const std::uint8_t version = reply[17];
  const std::uint8_t exchange = reply[18];
  const std::uint8_t flags = reply[19];
  switch (version >> 4) {
    case 2:
      return (flags & ikev2::kFlagResponse) != 0;
    case 1:
      return exchange == ikev1::kExchangeInformational ||
             std::any_of(reply.begin() + kIkeSpiBytes, reply.begin() + 2 * kIkeSpiBytes,
                         [](std::uint8_t b) { return b != 0; });
    default:
      return false;
  }
}

boost::json::object describe(std::span<const std::uint8_t> reply) {
  const IkeMessage message = parse_ike_message(reply);
  boost::json::object o = describe_ike_message(message);
  boost::json::array vendor_ids;
  add_ike_vendor_ids(message, IkeVendorIds::built_in(), vendor_ids);
  if (!vendor_ids.empty()) o["vendor_ids"] = std::move(vendor_ids);
  return o;
}

}  // namespace fumidai::scanner::ike
