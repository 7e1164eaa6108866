#pragma once
// What a TLS persona's certificate says, as configured: SelfSignedCertificate
// makes a fresh key and certificate with exactly these fields at start-up, so
// the certificate looks like the real firmware's to a grabber.
// Contract: plain value type; DeviceConfig has validated every field.
#include <string>
#include <utility>
#include <vector>

namespace fumidai::lab {

struct CertificateSpec {
  enum class KeyType { rsa2048, ec_p256 };
  // One relative distinguished name, e.g. {"CN", "Vigor Router"}.
  using Attribute = std::pair<std::string, std::string>;

  KeyType key = KeyType::rsa2048;
  // In RFC 4514 order, most specific first (CN=...,OU=...,C=TW); the
  // certificate holds them in the reverse (ASN.1) order, as real ones do.
  std::vector<Attribute> subject;
  std::vector<Attribute> issuer;  // the subject again for a self-signed certificate
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;  // dotted quads
  std::string not_before;                 // GeneralizedTime text, YYYYMMDDHHMMSSZ
  std::string not_after;
  std::string serial_hex = "01";  // 1-40 hex digits
};

}  // namespace fumidai::lab
