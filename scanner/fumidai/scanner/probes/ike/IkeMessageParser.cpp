#include "fumidai/scanner/probes/ike/IkeMessageParser.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>

#include "fumidai/scanner/packet/ByteOrder.h"

namespace fumidai::scanner {
namespace {

using Bytes = std::span<const std::uint8_t>;
// What went wrong inside a payload; empty when nothing did.
using Problem = std::optional<std::string>;

std::string take(Bytes bytes, std::size_t max) {
  const std::size_t n = std::min(bytes.size(), max);
  return std::string(reinterpret_cast<const char*>(bytes.data()), n);
}

Problem parse_attributes(Bytes a, std::vector<IkeAttribute>& out) {
  while (!a.empty()) {
    if (out.size() == kIkeMaxAttributes) return fmt::format("more than {} attributes", kIkeMaxAttributes);
    if (a.size() < 4) return fmt::format("attribute {}: {} bytes left, its header needs 4", out.size() + 1, a.size());
    const std::uint16_t raw_type = get16(a.data());
    IkeAttribute attribute;
    attribute.type = raw_type & 0x7fff;
    if ((raw_type & 0x8000) != 0) {
      attribute.value = get16(a.data() + 2);
      a = a.subspan(4);
    } else {
      const std::uint16_t length = get16(a.data() + 2);
      if (length > a.size() - 4)
        return fmt::format("attribute {} says {} bytes, {} are left", out.size() + 1, length, a.size() - 4);
      attribute.tlv_length = length;
      if (length <= 8) {
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < length; ++i) value = (value << 8) | a[4 + i];
        attribute.value = value;
      }
      a = a.subspan(4 + std::size_t{length});
    }
    out.push_back(attribute);
  }
  return std::nullopt;
}

// The transforms inside one proposal (RFC 7296, 3.3.2; RFC 2408, 3.6).
Problem parse_transforms(Bytes t, std::size_t count, int major, std::vector<IkeTransform>& out) {
  if (count > kIkeMaxTransforms) return fmt::format("{} transforms, more than {}", count, kIkeMaxTransforms);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t n = i + 1;
    if (t.size() < 8) return fmt::format("transform {}: {} bytes left, its header needs 8", n, t.size());
    const std::uint8_t last = t[0];
    const std::uint16_t length = get16(t.data() + 2);
    if (last != 0 && last != ikev2::kMoreTransforms)
      return fmt::format("transform {}: substructure type {}, not 0 or 3", n, last);
    if (length < 8 || length > t.size())
      return fmt::format("transform {} says {} bytes, {} are left", n, length, t.size());
    IkeTransform& transform = out.emplace_back();
    if (major == 2) {
      transform.type = t[4];
      transform.id = get16(t.data() + 6);
    } else {
      transform.number = t[4];
      transform.id = t[5];
    }
    if (Problem p = parse_attributes(t.subspan(8, length - 8), transform.attributes))
      return fmt::format("transform {}: {}", n, *p);
    t = t.subspan(length);
    if (last == 0 && n < count) return fmt::format("transform {} is the last, the proposal declares {}", n, count);
    if (last != 0 && n == count)
      return fmt::format("transform {} says more follow, the proposal declares {}", n, count);
  }
  if (!t.empty()) return fmt::format("{} bytes after the proposal's {} transforms", t.size(), count);
  return std::nullopt;
}

Problem parse_proposals(Bytes p, int major, std::vector<IkeProposal>& out) {
  for (std::size_t n = 1;; ++n) {
    if (out.size() == kIkeMaxProposals) return fmt::format("more than {} proposals", kIkeMaxProposals);
    if (p.size() < 8) return fmt::format("proposal {}: {} bytes left, its header needs 8", n, p.size());
    const std::uint8_t last = p[0];
    const std::uint16_t length = get16(p.data() + 2);
    if (last != 0 && last != ikev2::kMoreProposals)
      return fmt::format("proposal {}: substructure type {}, not 0 or 2", n, last);
    if (length < 8 || length > p.size())
      return fmt::format("proposal {} says {} bytes, {} are left", n, length, p.size());
    IkeProposal& proposal = out.emplace_back();
    proposal.number = p[4];
    proposal.protocol = p[5];
    const std::size_t spi_size = p[6];
    if (spi_size > length - 8u) return fmt::format("proposal {}: a {}-byte SPI past its end", n, spi_size);
    proposal.spi = take(p.subspan(8, spi_size), spi_size);
    if (Problem problem =
            parse_transforms(p.subspan(8 + spi_size, length - 8 - spi_size), p[7], major, proposal.transforms))
      return fmt::format("proposal {}: {}", n, *problem);
    p = p.subspan(length);
    if (last == 0) break;
    if (p.empty()) return fmt::format("proposal {} says more follow, none does", n);
  }
  if (!p.empty()) return fmt::format("{} bytes after the last proposal", p.size());
  return std::nullopt;
}

// IKEv1 Notification: DOI (4), protocol, SPI size, type (2), SPI, data.
// IKEv2 Notify: protocol, SPI size, type (2), SPI, data.
Problem parse_notify(Bytes c, int major, IkeMessage& m) {
  const std::size_t fixed = major == 1 ? 8 : 4;
  if (c.size() < fixed) return fmt::format("{} bytes, a notify needs {}", c.size(), fixed);
  const Bytes f = c.subspan(fixed - 4);
  IkeNotify notify;
  notify.protocol = f[0];
  const std::size_t spi_size = f[1];
  notify.type = get16(f.data() + 2);
  if (spi_size > c.size() - fixed) return fmt::format("a {}-byte SPI past the notify's end", spi_size);
  notify.spi = take(c.subspan(fixed, spi_size), spi_size);
  const Bytes data = c.subspan(fixed + spi_size);
  notify.data = take(data, kIkeMaxNotifyDataBytes);
  notify.data_length = data.size();
  m.notifies.push_back(std::move(notify));
  return std::nullopt;
}

Problem parse_v1_payload(std::uint8_t type, Bytes c, IkeMessage& m) {
  switch (type) {
    case ikev1::kPayloadSa: {
      if (c.size() < 8) return fmt::format("{} bytes, an SA needs 8", c.size());
      // Only the identity-only situation has no fields after it (RFC 2407, 4.2).
      if (!m.proposals.empty() || get32(c.data()) != ikev1::kDoiIpsec ||
          get32(c.data() + 4) != ikev1::kSituationIdentityOnly)
        return std::nullopt;
      // IKEv1 proposals are payloads of their own (type 2) inside the SA;
      // their header has the IKEv2 layout, "next payload" in place of "last".
      return parse_proposals(c.subspan(8), 1, m.proposals);
    }
    case ikev1::kPayloadKe:
      m.ke_length = c.size();
      return std::nullopt;
    case ikev1::kPayloadNonce:
      m.nonce_length = c.size();
      return std::nullopt;
    case ikev1::kPayloadNotify:
      return parse_notify(c, 1, m);
    case ikev1::kPayloadVendorId:
      m.vendor_ids.push_back(take(c, kIkeMaxVendorIdBytes));
      return std::nullopt;
    case ikev1::kPayloadCertReq:
      if (c.empty()) return "an empty certificate request";
      m.certificate_request_encodings.push_back(c[0]);
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

Problem parse_v2_payload(std::uint8_t type, Bytes c, IkeMessage& m) {
  switch (type) {
    case ikev2::kPayloadSa:
      if (!m.proposals.empty()) return std::nullopt;
      return parse_proposals(c, 2, m.proposals);
    case ikev2::kPayloadKe:
      if (c.size() < 4) return fmt::format("{} bytes, a KE needs 4", c.size());
      m.ke_group = get16(c.data());
      m.ke_length = c.size() - 4;
      return std::nullopt;
    case ikev2::kPayloadNonce:
      m.nonce_length = c.size();
      return std::nullopt;
    case ikev2::kPayloadNotify:
      return parse_notify(c, 2, m);
    case ikev2::kPayloadVendorId:
      m.vendor_ids.push_back(take(c, kIkeMaxVendorIdBytes));
      return std::nullopt;
    case ikev2::kPayloadCertReq:
      if (c.empty()) return "an empty certificate request";
      m.certificate_request_encodings.push_back(c[0]);
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<std::uint16_t> IkeTransform::attribute(std::uint16_t wanted) const {
  for (const IkeAttribute& a : attributes)
    if (a.type == wanted && a.value && *a.value <= 0xffff) return static_cast<std::uint16_t>(*a.value);
  return std::nullopt;
}

const IkeNotify* IkeMessage::find_notify(std::uint16_t wanted) const {
  for (const IkeNotify& n : notifies)
    if (n.type == wanted) return &n;
  return nullptr;
}

IkeMessage parse_ike_message(std::span<const std::uint8_t> datagram) {
  IkeMessage m;
  if (datagram.size() < kIkeHeaderBytes) {
    m.error = fmt::format("{} bytes, shorter than the {}-byte IKE header", datagram.size(), kIkeHeaderBytes);
    return m;
  }
  IkeHeader& h = m.header;
  std::copy_n(datagram.begin(), kIkeSpiBytes, h.initiator_spi.begin());
  std::copy_n(datagram.begin() + kIkeSpiBytes, kIkeSpiBytes, h.responder_spi.begin());
  h.next_payload = datagram[16];
  h.version = datagram[17];
  h.exchange = datagram[18];
  h.flags = datagram[19];
  h.message_id = get32(datagram.data() + 20);
  h.length = get32(datagram.data() + 24);
  m.header_complete = true;
  const int major = h.major_version();
  if (major != 1 && major != 2) {
    m.error = fmt::format("version byte 0x{:02x} is neither IKEv1 nor IKEv2", h.version);
    return m;
  }
  if (h.length < kIkeHeaderBytes || h.length > datagram.size()) {
    m.error = fmt::format("the length field says {} bytes, the datagram has {}", h.length, datagram.size());
    return m;
  }
  if (major == 1 && (h.flags & ikev1::kFlagEncrypted) != 0) {
    m.encrypted = true;
    return m;
  }
  Bytes body = datagram.subspan(kIkeHeaderBytes, h.length - kIkeHeaderBytes);
  for (std::uint8_t type = h.next_payload; type != 0;) {
    const std::size_t n = m.payloads.size() + 1;
    if (m.payloads.size() == kIkeMaxPayloads) {
      m.error = fmt::format("more than {} payloads", kIkeMaxPayloads);
      return m;
    }
    if (body.size() < 4) {
      m.error = fmt::format("payload {} (type {}): {} bytes left, its header needs 4", n, type, body.size());
      return m;
    }
    const std::uint8_t next = body[0];
    const std::uint16_t length = get16(body.data() + 2);
    if (length < 4 || length > body.size()) {
      m.error = fmt::format("payload {} (type {}) says {} bytes, {} are left", n, type, length, body.size());
      return m;
    }
    m.payloads.push_back({type, length});
    const Bytes content = body.subspan(4, length - 4u);
    if (Problem p = major == 1 ? parse_v1_payload(type, content, m) : parse_v2_payload(type, content, m)) {
      m.error = fmt::format("payload {} (type {}): {}", n, type, *p);
      return m;
    }
    // An SK payload's "next payload" names the first one inside its ciphertext.
    if (major == 2 && (type == ikev2::kPayloadEncrypted || type == ikev2::kPayloadEncryptedFragment)) {
      m.encrypted = true;
      return m;
    }
    body = body.subspan(length);
    type = next;
  }
  return m;
}

}  // namespace fumidai::scanner
