#pragma once
// One IKE message as the parser read it from a datagram: the header and the
// payloads a first answer carries (SA, KE, Nonce, Notify, CERTREQ, Vendor
// ID), for IKEv1 and IKEv2 alike. Byte strings are the peer's raw bytes
// (std::string as a byte string): hex or json_safe_text() them for output.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fumidai/scanner/probes/ike/IkeConstants.h"

namespace fumidai::scanner {

struct IkeHeader {
  std::array<std::uint8_t, kIkeSpiBytes> initiator_spi{};  // IKEv1: the initiator cookie
  std::array<std::uint8_t, kIkeSpiBytes> responder_spi{};
  std::uint8_t next_payload = 0;
  std::uint8_t version = 0;  // major version in the high nibble
  std::uint8_t exchange = 0;
  std::uint8_t flags = 0;
  std::uint32_t message_id = 0;
  std::uint32_t length = 0;

  int major_version() const { return version >> 4; }
  bool operator==(const IkeHeader&) const = default;
};

// A data attribute (RFC 2408, 3.3): TV when `tlv_length` is empty, else TLV
// with that many value bytes; `value` holds values of up to 8 bytes.
struct IkeAttribute {
  std::uint16_t type = 0;  // without the format bit
  std::optional<std::uint64_t> value;
  std::optional<std::uint16_t> tlv_length;
  bool operator==(const IkeAttribute&) const = default;
};

struct IkeTransform {
  std::uint8_t type = 0;    // IKEv2 transform type; 0 in IKEv1
  std::uint16_t id = 0;     // IKEv2 transform ID, or the IKEv1 transform ID (KEY_IKE)
  std::uint8_t number = 0;  // IKEv1 only
  std::vector<IkeAttribute> attributes;

  // The attribute's value, when present and at most 16 bits.
  std::optional<std::uint16_t> attribute(std::uint16_t type) const;
  bool operator==(const IkeTransform&) const = default;
};

struct IkeProposal {
  std::uint8_t number = 0;
  std::uint8_t protocol = 0;
  std::string spi;
  std::vector<IkeTransform> transforms;
  bool operator==(const IkeProposal&) const = default;
};

struct IkeNotify {
  std::uint16_t type = 0;
  std::uint8_t protocol = 0;
  std::string spi;
  std::string data;  // at most kIkeMaxNotifyDataBytes; data_length is the real size
  std::size_t data_length = 0;
  bool operator==(const IkeNotify&) const = default;
};

struct IkePayloadInfo {
  std::uint8_t type = 0;
  std::uint16_t length = 0;  // with its 4-byte generic header
  bool operator==(const IkePayloadInfo&) const = default;
};

struct IkeMessage {
  IkeHeader header;
  bool header_complete = false;           // false: the datagram was too short for one
  std::vector<IkePayloadInfo> payloads;   // every payload walked, in order
  std::vector<IkeProposal> proposals;     // of the first SA payload
  std::optional<std::uint16_t> ke_group;  // IKEv2 KE payload's group
  std::optional<std::size_t> ke_length;   // key exchange data bytes
  std::optional<std::size_t> nonce_length;
  std::vector<IkeNotify> notifies;
  std::vector<std::string> vendor_ids;  // each at most kIkeMaxVendorIdBytes
  std::vector<std::uint8_t> certificate_request_encodings;
  bool encrypted = false;  // IKEv1 E flag or an IKEv2 SK payload: the rest is ciphertext
  // The first thing that broke the format ("payload 3 (type 43) says 900
  // bytes, 120 are left"); what came before it is kept above.
  std::optional<std::string> error;

  const IkeNotify* find_notify(std::uint16_t type) const;
  bool operator==(const IkeMessage&) const = default;
};

}  // namespace fumidai::scanner
