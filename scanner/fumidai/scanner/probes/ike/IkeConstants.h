#pragma once
// IKE wire numbers: IKEv1 (RFC 2408, 2409, 3947, 3706) and IKEv2 (RFC 7296
// and the IANA "IKEv2 Parameters" registry), and their names for records.
// Names of algorithms follow strongSwan's proposal keywords (aes256, sha1,
// modp2048), which operators know; an unlisted number becomes "<kind>-<n>".
// Pure functions, any thread.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace fumidai::scanner {

// The ISAKMP header: 8 + 8 bytes of SPIs, next payload, version, exchange,
// flags, message ID, length (RFC 7296, 3.1; RFC 2408, 3.1).
inline constexpr std::size_t kIkeHeaderBytes = 28;
inline constexpr std::size_t kIkeSpiBytes = 8;
inline constexpr std::uint8_t kIkeVersion1 = 0x10;
inline constexpr std::uint8_t kIkeVersion2 = 0x20;
// RFC 3948, 2.2: IKE on the NAT-T port 4500 is preceded by four zero bytes,
// which tell it apart from ESP (whose first four bytes, the SPI, are never 0).
inline constexpr std::uint16_t kIkeNatTraversalPort = 4500;
inline constexpr std::size_t kIkeNonEspMarkerBytes = 4;

namespace ikev1 {
inline constexpr std::uint8_t kExchangeIdentityProtection = 2;  // Main Mode
inline constexpr std::uint8_t kExchangeAggressive = 4;
inline constexpr std::uint8_t kExchangeInformational = 5;
inline constexpr std::uint8_t kFlagEncrypted = 0x01;

inline constexpr std::uint8_t kPayloadNone = 0;
inline constexpr std::uint8_t kPayloadSa = 1;
inline constexpr std::uint8_t kPayloadProposal = 2;
inline constexpr std::uint8_t kPayloadTransform = 3;
inline constexpr std::uint8_t kPayloadKe = 4;
inline constexpr std::uint8_t kPayloadCertReq = 7;
inline constexpr std::uint8_t kPayloadNonce = 10;
inline constexpr std::uint8_t kPayloadNotify = 11;
inline constexpr std::uint8_t kPayloadVendorId = 13;

inline constexpr std::uint32_t kDoiIpsec = 1;
inline constexpr std::uint32_t kSituationIdentityOnly = 1;
inline constexpr std::uint8_t kProtocolIsakmp = 1;
inline constexpr std::uint8_t kTransformKeyIke = 1;

// Phase-1 SA attributes (RFC 2409, appendix A).
inline constexpr std::uint16_t kAttrEncryption = 1;
inline constexpr std::uint16_t kAttrHash = 2;
inline constexpr std::uint16_t kAttrAuthMethod = 3;
inline constexpr std::uint16_t kAttrGroup = 4;
inline constexpr std::uint16_t kAttrLifeType = 11;
inline constexpr std::uint16_t kAttrLifeDuration = 12;
inline constexpr std::uint16_t kAttrKeyLength = 14;

inline constexpr std::uint16_t kEncrDes = 1;
inline constexpr std::uint16_t kEncr3Des = 5;
inline constexpr std::uint16_t kEncrAesCbc = 7;
inline constexpr std::uint16_t kHashMd5 = 1;
inline constexpr std::uint16_t kHashSha1 = 2;
inline constexpr std::uint16_t kHashSha2_256 = 4;
inline constexpr std::uint16_t kAuthPsk = 1;
inline constexpr std::uint16_t kAuthRsaSig = 3;
inline constexpr std::uint16_t kLifeSeconds = 1;
inline constexpr std::uint16_t kLifeKilobytes = 2;

inline constexpr std::uint16_t kNotifyNoProposalChosen = 14;

std::string encryption_name(std::uint16_t id, std::uint16_t key_length);
std::string hash_name(std::uint16_t id);
std::string auth_method_name(std::uint16_t id);
std::string exchange_name(std::uint8_t exchange);
std::string notify_name(std::uint16_t type);  // empty when unknown
}  // namespace ikev1

namespace ikev2 {
inline constexpr std::uint8_t kExchangeSaInit = 34;
inline constexpr std::uint8_t kFlagInitiator = 0x08;
inline constexpr std::uint8_t kFlagResponse = 0x20;

inline constexpr std::uint8_t kPayloadNone = 0;
inline constexpr std::uint8_t kPayloadSa = 33;
inline constexpr std::uint8_t kPayloadKe = 34;
inline constexpr std::uint8_t kPayloadCertReq = 38;
inline constexpr std::uint8_t kPayloadNonce = 40;
inline constexpr std::uint8_t kPayloadNotify = 41;
inline constexpr std::uint8_t kPayloadVendorId = 43;
inline constexpr std::uint8_t kPayloadEncrypted = 46;  // SK: what follows is ciphertext
inline constexpr std::uint8_t kPayloadEncryptedFragment = 53;

// Substructure "last" markers (RFC 7296, 3.3.1 and 3.3.2).
inline constexpr std::uint8_t kMoreProposals = 2;
inline constexpr std::uint8_t kMoreTransforms = 3;
inline constexpr std::uint8_t kProtocolIke = 1;

inline constexpr std::uint8_t kTransformEncryption = 1;
inline constexpr std::uint8_t kTransformPrf = 2;
inline constexpr std::uint8_t kTransformIntegrity = 3;
inline constexpr std::uint8_t kTransformDh = 4;
inline constexpr std::uint16_t kAttrKeyLength = 14;

inline constexpr std::uint16_t kEncr3Des = 3;
inline constexpr std::uint16_t kEncrAesCbc = 12;
inline constexpr std::uint16_t kEncrAesGcm16 = 20;
inline constexpr std::uint16_t kEncrChacha20Poly1305 = 28;
inline constexpr std::uint16_t kPrfHmacSha1 = 2;
inline constexpr std::uint16_t kPrfHmacSha2_256 = 5;
inline constexpr std::uint16_t kPrfHmacSha2_384 = 6;
inline constexpr std::uint16_t kIntegHmacSha1_96 = 2;
inline constexpr std::uint16_t kIntegHmacSha2_256_128 = 12;
inline constexpr std::uint16_t kIntegHmacSha2_384_192 = 13;

inline constexpr std::uint16_t kNotifyInvalidMajorVersion = 5;
inline constexpr std::uint16_t kNotifyNoProposalChosen = 14;
inline constexpr std::uint16_t kNotifyInvalidKePayload = 17;
inline constexpr std::uint16_t kNotifyCookie = 16390;
// RFC 7296, 2.6: a cookie is 1 to 64 bytes.
inline constexpr std::size_t kMaxCookieBytes = 64;

std::string transform_name(std::uint8_t type, std::uint16_t id, std::uint16_t key_length);
std::string transform_type_name(std::uint8_t type);
std::string exchange_name(std::uint8_t exchange);
std::string notify_name(std::uint16_t type);  // empty when unknown
}  // namespace ikev2

// Diffie-Hellman group numbers are shared by both versions (IKEv1 attribute
// 4 and IKEv2 transform type 4 use the same registry).
inline constexpr std::uint16_t kDhModp1024 = 2;
inline constexpr std::uint16_t kDhModp1536 = 5;
inline constexpr std::uint16_t kDhModp2048 = 14;
inline constexpr std::uint16_t kDhModp3072 = 15;
inline constexpr std::uint16_t kDhEcp256 = 19;
inline constexpr std::uint16_t kDhEcp384 = 20;
inline constexpr std::uint16_t kDhCurve25519 = 31;
std::string dh_group_name(std::uint16_t group);

}  // namespace fumidai::scanner
