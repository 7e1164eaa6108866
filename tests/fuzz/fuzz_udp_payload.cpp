// Fuzz target: the payload of a UDP reply, as a stage-1 UDP payload sees it.
//
// 1. DnsReply::parse and parse_ssdp_response: whatever they return stays
//    inside its documented limits.
// 2. Every built-in payload, with a cookie taken from the input's first bytes
//    (so DNS's ID check can pass): validate() agrees with the protocol's rule
//    where it is simple (DNS: a header, QR, opcode 0), and describe() returns
//    an object that serializes and parses back.
// 3. build() stays within max_size() for any cookie.
#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "FuzzCheck.h"
#include "fumidai/scanner/packet/UdpProbeBuilder.h"
#include "fumidai/scanner/probes/dns/DnsReply.h"
#include "fumidai/scanner/probes/upnp/SsdpResponse.h"
#include "fumidai/scanner/udp/UdpPayloadRegistry.h"

using namespace fumidai::scanner;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> reply(data, size);
  static const UdpPayloadRegistry registry = [] {
    UdpPayloadRegistry r;
    register_builtin_udp_payloads(r);
    return r;
  }();

  // 1. The parsers alone.
  if (const auto dns = DnsReply::parse(reply)) {
    FUZZ_CHECK(size >= DnsReply::kHeaderSize);
    FUZZ_CHECK(dns->txt.size() <= DnsReply::kMaxTxtBytes);
  } else {
    FUZZ_CHECK(size < DnsReply::kHeaderSize);
  }
  if (const auto ssdp = parse_ssdp_response(reply)) FUZZ_CHECK(ssdp->headers.size() <= SsdpResponse::kMaxHeaders);

  // 2. validate() and describe().
  UdpCookie cookie;
  std::copy_n(data, std::min(size, cookie.bytes.size()), cookie.bytes.begin());
  for (const auto& name : registry.names()) {
    const UdpPayload& payload = *registry.find(name);
    const bool valid = payload.validate(reply, cookie);
    if (name == "dns") {
      FUZZ_CHECK(valid == (size >= 12 && (data[2] & 0x80) != 0 && ((data[2] >> 3) & 0x0f) == 0));
    }
    const auto described = payload.describe(reply);
    boost::system::error_code ec;
    const auto back = boost::json::parse(boost::json::serialize(described), ec);
    FUZZ_CHECK(!ec && back.is_object());

    // 3. build() within its bounds.
    std::vector<std::uint8_t> out(UdpProbeBuilder::kMaxPayload);
    FUZZ_CHECK(payload.max_size() <= UdpProbeBuilder::kMaxPayload);
    FUZZ_CHECK(payload.build(cookie, out) <= payload.max_size());
  }
  return 0;
}
