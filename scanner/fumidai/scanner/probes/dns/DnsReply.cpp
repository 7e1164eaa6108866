#include "fumidai/scanner/probes/dns/DnsReply.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "fumidai/scanner/packet/ByteOrder.h"

namespace fumidai::scanner {
namespace {

constexpr std::size_t kMaxNameBytes = 255;

// The offset just past the name at `offset`, which ends at its first zero
// label or compression pointer; nullopt if it runs off the message, uses a
// reserved label type or is longer than a name may be.
std::optional<std::size_t> skip_name(std::span<const std::uint8_t> m, std::size_t offset) {
  std::size_t length = 0;
  while (offset < m.size()) {
    const std::uint8_t label = m[offset];
    if (label == 0) return offset + 1;
    if ((label & 0xc0) == 0xc0) return offset + 2 <= m.size() ? std::optional(offset + 2) : std::nullopt;
    if ((label & 0xc0) != 0) return std::nullopt;
    length += label + 1u;
    if (length > kMaxNameBytes) return std::nullopt;
    offset += label + 1u;
  }
  return std::nullopt;
}

// Appends TXT RDATA's character strings (length byte, then bytes) to `out`.
bool append_txt(std::span<const std::uint8_t> rdata, std::string& out) {
  while (!rdata.empty()) {
    const std::size_t length = rdata[0];
    if (length + 1 > rdata.size()) return false;
    const std::size_t keep = std::min(length, DnsReply::kMaxTxtBytes - out.size());
    out.append(reinterpret_cast<const char*>(rdata.data() + 1), keep);
    rdata = rdata.subspan(length + 1);
  }
  return true;
}

}  // namespace

std::optional<DnsReply> DnsReply::parse(std::span<const std::uint8_t> m) {
  if (m.size() < kHeaderSize) return std::nullopt;
  DnsReply r;
  r.id = get16(m.data());
  r.response = (m[2] & 0x80) != 0;
  r.opcode = (m[2] >> 3) & 0x0f;
  r.authoritative = (m[2] & 0x04) != 0;
  r.truncated = (m[2] & 0x02) != 0;
  r.recursion_available = (m[3] & 0x80) != 0;
  r.rcode = m[3] & 0x0f;
  r.questions = get16(m.data() + 4);
  r.answers = get16(m.data() + 6);
  std::size_t offset = kHeaderSize;
  for (std::size_t i = 0; i < std::min<std::size_t>(r.questions, kMaxQuestions); ++i) {
    const auto end = skip_name(m, offset);
    if (!end || *end + 4 > m.size()) {
      r.error = "truncated or malformed question";
      return r;
    }
    offset = *end + 4;
  }
  if (r.questions > kMaxQuestions) return r;  // no DNS server sends these; the answers are not worth finding
  for (std::size_t i = 0; i < std::min<std::size_t>(r.answers, kMaxAnswers); ++i) {
    const auto end = skip_name(m, offset);
    if (!end || *end + 10 > m.size()) {
      r.error = "truncated or malformed answer";
      return r;
    }
    const std::uint16_t type = get16(m.data() + *end);
    const std::size_t rdlength = get16(m.data() + *end + 8);
    const std::size_t rdata = *end + 10;
    if (rdata + rdlength > m.size()) {
      r.error = "answer data past the end of the message";
      return r;
    }
    if (type == kTypeTxt && r.txt.empty() && !append_txt(m.subspan(rdata, rdlength), r.txt)) {
      r.error = "malformed TXT answer";
      return r;
    }
    offset = rdata + rdlength;
  }
  return r;
}

std::string dns_rcode_name(std::uint8_t rcode) {
  static constexpr std::array<std::string_view, 6> kNames{"NOERROR",  "FORMERR", "SERVFAIL",
                                                          "NXDOMAIN", "NOTIMP",  "REFUSED"};
  return rcode < kNames.size() ? std::string(kNames[rcode]) : std::to_string(rcode);
}

}  // namespace fumidai::scanner
