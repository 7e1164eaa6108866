#include "SelfSignedCertificate.h"

#include <fmt/format.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include <array>
#include <string>

namespace fumidai::lab {
namespace {

constexpr int kRsaBits = 2048;

// The most recent OpenSSL error, for a one-line message.
Error openssl_error(std::string_view what) {
  std::array<char, 256> text{};
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return make_error(fmt::format("{} failed", what));
  ERR_error_string_n(code, text.data(), text.size());
  return make_error(fmt::format("{} failed: {}", what, text.data()));
}

struct NameFree {
  void operator()(X509_NAME* n) const { X509_NAME_free(n); }
};
struct TimeFree {
  void operator()(ASN1_TIME* t) const { ASN1_TIME_free(t); }
};
struct BignumFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
struct IntegerFree {
  void operator()(ASN1_INTEGER* i) const { ASN1_INTEGER_free(i); }
};
struct ExtensionFree {
  void operator()(X509_EXTENSION* e) const { X509_EXTENSION_free(e); }
};

Result<std::unique_ptr<X509_NAME, NameFree>> make_name(const std::vector<CertificateSpec::Attribute>& attributes) {
  std::unique_ptr<X509_NAME, NameFree> name(X509_NAME_new());
  if (!name) return openssl_error("X509_NAME_new");
  // The spec is in RFC 4514 order (CN first); certificates store the reverse.
  for (auto it = attributes.rbegin(); it != attributes.rend(); ++it) {
    const auto* value = reinterpret_cast<const unsigned char*>(it->second.data());
    if (X509_NAME_add_entry_by_txt(name.get(), it->first.c_str(), MBSTRING_UTF8, value,
                                   static_cast<int>(it->second.size()), -1, 0) != 1) {
      return openssl_error(fmt::format("certificate name attribute {}={}", it->first, it->second));
    }
  }
  return name;
}

Result<> set_time(X509* certificate, const std::string& text, bool not_before) {
  std::unique_ptr<ASN1_TIME, TimeFree> time(ASN1_TIME_new());
  // Picks UTCTime for 1950-2049 and GeneralizedTime otherwise, as RFC 5280 asks.
  if (!time || ASN1_TIME_set_string_X509(time.get(), text.c_str()) != 1) {
    return openssl_error(fmt::format("certificate time {}", text));
  }
  const int ok =
      not_before ? X509_set1_notBefore(certificate, time.get()) : X509_set1_notAfter(certificate, time.get());
  if (ok != 1) return openssl_error("setting the certificate validity");
  return {};
}

Result<> add_subject_alt_names(X509* certificate, const CertificateSpec& spec) {
  if (spec.dns_names.empty() && spec.ip_addresses.empty()) return {};
  // DeviceConfig allows only name characters and dotted quads here, so the
  // comma-separated conf string cannot be misread.
  std::string value;
  for (const auto& dns : spec.dns_names) value += (value.empty() ? "DNS:" : ",DNS:") + dns;
  for (const auto& ip : spec.ip_addresses) value += (value.empty() ? "IP:" : ",IP:") + ip;
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, ExtensionFree> extension(
      X509V3_EXT_nconf_nid(nullptr, &context, NID_subject_alt_name, value.c_str()));
  if (!extension || X509_add_ext(certificate, extension.get(), -1) != 1) {
    return openssl_error(fmt::format("subjectAltName {}", value));
  }
  return {};
}

}  // namespace

Result<SelfSignedCertificate> SelfSignedCertificate::generate(const CertificateSpec& spec) {
  SelfSignedCertificate result;
  result.key_.reset(spec.key == CertificateSpec::KeyType::rsa2048 ? EVP_RSA_gen(kRsaBits) : EVP_EC_gen("P-256"));
  if (!result.key_) return openssl_error("key generation");

  result.certificate_.reset(X509_new());
  X509* certificate = result.certificate_.get();
  if (certificate == nullptr || X509_set_version(certificate, X509_VERSION_3) != 1) {
    return openssl_error("X509_new");
  }

  BIGNUM* serial_bn = nullptr;
  if (BN_hex2bn(&serial_bn, spec.serial_hex.c_str()) == 0) return openssl_error("certificate serial");
  const std::unique_ptr<BIGNUM, BignumFree> serial_owner(serial_bn);
  std::unique_ptr<ASN1_INTEGER, IntegerFree> serial(BN_to_ASN1_INTEGER(serial_bn, nullptr));
  if (!serial || X509_set_serialNumber(certificate, serial.get()) != 1) return openssl_error("certificate serial");

  auto subject = make_name(spec.subject);
  if (!subject) return subject.error();
  auto issuer = make_name(spec.issuer);
  if (!issuer) return issuer.error();
  if (X509_set_subject_name(certificate, subject->get()) != 1 ||
      X509_set_issuer_name(certificate, issuer->get()) != 1) {
    return openssl_error("setting the certificate names");
  }
  if (auto ok = set_time(certificate, spec.not_before, true); !ok) return ok.error();
  if (auto ok = set_time(certificate, spec.not_after, false); !ok) return ok.error();
  if (X509_set_pubkey(certificate, result.key_.get()) != 1) return openssl_error("X509_set_pubkey");
  if (auto ok = add_subject_alt_names(certificate, spec); !ok) return ok.error();
  if (X509_sign(certificate, result.key_.get(), EVP_sha256()) <= 0) return openssl_error("X509_sign");
  return result;
}

}  // namespace fumidai::lab
