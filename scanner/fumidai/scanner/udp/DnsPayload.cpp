#include "fumidai/scanner/udp/DnsPayload.h"

#include <algorithm>
#include <array>

#include "fumidai/scanner/probes/dns/DnsReply.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {
namespace {

// Header (ID filled per probe; flags 0: a standard query, no recursion; one
// question), then "version.bind", type TXT, class CH.
constexpr std::array<std::uint8_t, 30> kQuery{0,   0,   0,   0,   0,   1, 0,   0,   0,   0,   0, 0, 7,  'v', 'e',
                                              'r', 's', 'i', 'o', 'n', 4, 'b', 'i', 'n', 'd', 0, 0, 16, 0,   3};

}  // namespace

std::size_t DnsPayload::max_size() const { return kQuery.size(); }

std::size_t DnsPayload::build(const UdpCookie& cookie, std::span<std::uint8_t> out) const {
  std::copy(kQuery.begin(), kQuery.end(), out.begin());
  out[0] = cookie.bytes[0];
  out[1] = cookie.bytes[1];
  return kQuery.size();
}

bool DnsPayload::validate(std::span<const std::uint8_t> reply, const UdpCookie& cookie) const {
  return reply.size() >= DnsReply::kHeaderSize && reply[0] == cookie.bytes[0] && reply[1] == cookie.bytes[1] &&
         (reply[2] & 0x80) != 0 && ((reply[2] >> 3) & 0x0f) == 0;
}

boost::json::object DnsPayload::describe(std::span<const std::uint8_t> reply) const {
  boost::json::object data;
  const auto parsed = DnsReply::parse(reply);
  if (!parsed) {
    data["error"] = "shorter than a DNS header";
    return data;
  }
  data["rcode"] = dns_rcode_name(parsed->rcode);
  data["authoritative"] = parsed->authoritative;
  data["recursion_available"] = parsed->recursion_available;
  data["answers"] = parsed->answers;
  if (!parsed->txt.empty()) data["version"] = json_safe_text(parsed->txt);
  if (parsed->truncated) data["truncated"] = true;
  if (!parsed->error.empty()) data["error"] = parsed->error;
  return data;
}

}  // namespace fumidai::scanner
