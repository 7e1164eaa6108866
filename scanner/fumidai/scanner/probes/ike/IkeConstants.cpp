#include "fumidai/scanner/probes/ike/IkeConstants.h"

#include <fmt/format.h>

namespace fumidai::scanner {
namespace {

struct Name {
  std::uint16_t id;
  std::string_view name;
};

template <std::size_t N>
std::string_view find(const Name (&table)[N], std::uint16_t id) {
  for (const Name& n : table)
    if (n.id == id) return n.name;
  return {};
}

template <std::size_t N>
std::string named(const Name (&table)[N], std::uint16_t id, std::string_view kind) {
  const std::string_view name = find(table, id);
  return name.empty() ? fmt::format("{}-{}", kind, id) : std::string(name);
}

// '*' in a cipher's name stands for its key length attribute, as in
// strongSwan's aes256 and aes128gcm16; without the attribute it goes.
std::string with_key_length(std::string name, std::uint16_t key_length) {
  if (const std::size_t star = name.find('*'); star != std::string::npos)
    name.replace(star, 1, key_length == 0 ? std::string() : std::to_string(key_length));
  return name;
}

constexpr Name kDhGroups[] = {
    {1, "modp768"},     {2, "modp1024"},      {5, "modp1536"},      {14, "modp2048"},     {15, "modp3072"},
    {16, "modp4096"},   {17, "modp6144"},     {18, "modp8192"},     {19, "ecp256"},       {20, "ecp384"},
    {21, "ecp521"},     {22, "modp1024s160"}, {23, "modp2048s224"}, {24, "modp2048s256"}, {25, "ecp192"},
    {26, "ecp224"},     {27, "ecp224bp"},     {28, "ecp256bp"},     {29, "ecp384bp"},     {30, "ecp512bp"},
    {31, "curve25519"}, {32, "curve448"},
};

constexpr Name kV1Encryption[] = {
    {1, "des"}, {2, "idea"}, {3, "blowfish"}, {4, "rc5"}, {5, "3des"}, {6, "cast"}, {7, "aes*"}, {8, "camellia*"},
};
constexpr Name kV1Hash[] = {
    {1, "md5"}, {2, "sha1"}, {3, "tiger"}, {4, "sha256"}, {5, "sha384"}, {6, "sha512"},
};
constexpr Name kV1AuthMethods[] = {
    {1, "psk"},
    {2, "dss-sig"},
    {3, "rsa-sig"},
    {4, "rsa-enc"},
    {5, "rsa-enc-rev"},
    {9, "ecdsa-256"},
    {10, "ecdsa-384"},
    {11, "ecdsa-521"},
    {64221, "hybrid-init-rsa"},
    {64222, "hybrid-resp-rsa"},
    {65001, "xauth-init-psk"},
    {65002, "xauth-resp-psk"},
    {65005, "xauth-init-rsa"},
    {65006, "xauth-resp-rsa"},
};
constexpr Name kV1Exchanges[] = {
    {1, "base"},       {2, "identity-protection"}, {3, "authentication-only"},
    {4, "aggressive"}, {5, "informational"},       {6, "transaction"},
    {32, "quick"},     {33, "new-group"},
};
constexpr Name kV1Notifies[] = {
    {1, "INVALID-PAYLOAD-TYPE"},      {4, "INVALID-COOKIE"},
    {5, "INVALID-MAJOR-VERSION"},     {6, "INVALID-MINOR-VERSION"},
    {7, "INVALID-EXCHANGE-TYPE"},     {8, "INVALID-FLAGS"},
    {13, "ATTRIBUTES-NOT-SUPPORTED"}, {14, "NO-PROPOSAL-CHOSEN"},
    {16, "PAYLOAD-MALFORMED"},        {17, "INVALID-KEY-INFORMATION"},
    {18, "INVALID-ID-INFORMATION"},   {24, "AUTHENTICATION-FAILED"},
    {30, "UNEQUAL-PAYLOAD-LENGTHS"},  {24576, "RESPONDER-LIFETIME"},
    {24578, "INITIAL-CONTACT"},       {36136, "R-U-THERE"},
    {36137, "R-U-THERE-ACK"},
};

constexpr Name kV2Encryption[] = {
    {2, "des"},
    {3, "3des"},
    {11, "null"},
    {12, "aes*"},
    {13, "aes*ctr"},
    {14, "aes*ccm8"},
    {15, "aes*ccm12"},
    {16, "aes*ccm16"},
    {18, "aes*gcm8"},
    {19, "aes*gcm12"},
    {20, "aes*gcm16"},
    {23, "camellia*"},
    {28, "chacha20poly1305"},
};
constexpr Name kV2Prf[] = {
    {1, "prfmd5"},    {2, "prfsha1"},   {4, "prfaesxcbc"}, {5, "prfsha256"},
    {6, "prfsha384"}, {7, "prfsha512"}, {8, "prfaescmac"},
};
constexpr Name kV2Integrity[] = {
    {1, "md5"}, {2, "sha1"}, {5, "aesxcbc"}, {8, "aescmac"}, {12, "sha256"}, {13, "sha384"}, {14, "sha512"},
};
constexpr Name kV2TransformTypes[] = {
    {1, "encryption"}, {2, "prf"}, {3, "integrity"}, {4, "dh_group"}, {5, "esn"},
};
constexpr Name kV2Exchanges[] = {
    {34, "IKE_SA_INIT"}, {35, "IKE_AUTH"}, {36, "CREATE_CHILD_SA"}, {37, "INFORMATIONAL"}, {43, "IKE_INTERMEDIATE"},
};
constexpr Name kV2Notifies[] = {
    {1, "UNSUPPORTED_CRITICAL_PAYLOAD"},
    {4, "INVALID_IKE_SPI"},
    {5, "INVALID_MAJOR_VERSION"},
    {7, "INVALID_SYNTAX"},
    {9, "INVALID_MESSAGE_ID"},
    {11, "INVALID_SPI"},
    {14, "NO_PROPOSAL_CHOSEN"},
    {17, "INVALID_KE_PAYLOAD"},
    {24, "AUTHENTICATION_FAILED"},
    {34, "SINGLE_PAIR_REQUIRED"},
    {35, "NO_ADDITIONAL_SAS"},
    {36, "INTERNAL_ADDRESS_FAILURE"},
    {37, "FAILED_CP_REQUIRED"},
    {38, "TS_UNACCEPTABLE"},
    {39, "INVALID_SELECTORS"},
    {43, "TEMPORARY_FAILURE"},
    {44, "CHILD_SA_NOT_FOUND"},
    {16384, "INITIAL_CONTACT"},
    {16385, "SET_WINDOW_SIZE"},
    {16387, "IPCOMP_SUPPORTED"},
    {16388, "NAT_DETECTION_SOURCE_IP"},
    {16389, "NAT_DETECTION_DESTINATION_IP"},
    {16390, "COOKIE"},
    {16392, "HTTP_CERT_LOOKUP_SUPPORTED"},
    {16396, "MOBIKE_SUPPORTED"},
    {16404, "MULTIPLE_AUTH_SUPPORTED"},
    {16406, "REDIRECT_SUPPORTED"},
    {16407, "REDIRECT"},
    {16418, "CHILDLESS_IKEV2_SUPPORTED"},
    {16430, "IKEV2_FRAGMENTATION_SUPPORTED"},
    {16431, "SIGNATURE_HASH_ALGORITHMS"},
    {16435, "USE_PPK"},
    {16438, "INTERMEDIATE_EXCHANGE_SUPPORTED"},
};

}  // namespace

std::string dh_group_name(std::uint16_t group) { return named(kDhGroups, group, "dh"); }

namespace ikev1 {
std::string encryption_name(std::uint16_t id, std::uint16_t key_length) {
  return with_key_length(named(kV1Encryption, id, "encr"), key_length);
}
std::string hash_name(std::uint16_t id) { return named(kV1Hash, id, "hash"); }
std::string auth_method_name(std::uint16_t id) { return named(kV1AuthMethods, id, "auth"); }
std::string exchange_name(std::uint8_t exchange) { return named(kV1Exchanges, exchange, "exchange"); }
std::string notify_name(std::uint16_t type) { return std::string(find(kV1Notifies, type)); }
}  // namespace ikev1

namespace ikev2 {
std::string transform_name(std::uint8_t type, std::uint16_t id, std::uint16_t key_length) {
  switch (type) {
    case kTransformEncryption:
      return with_key_length(named(kV2Encryption, id, "encr"), key_length);
    case kTransformPrf:
      return named(kV2Prf, id, "prf");
    case kTransformIntegrity:
      return named(kV2Integrity, id, "integ");
    case kTransformDh:
      return dh_group_name(id);
    default:
      return fmt::format("{}-{}", transform_type_name(type), id);
  }
}
std::string transform_type_name(std::uint8_t type) { return named(kV2TransformTypes, type, "type"); }
std::string exchange_name(std::uint8_t exchange) { return named(kV2Exchanges, exchange, "exchange"); }
std::string notify_name(std::uint16_t type) { return std::string(find(kV2Notifies, type)); }
}  // namespace ikev2

}  // namespace fumidai::scanner
