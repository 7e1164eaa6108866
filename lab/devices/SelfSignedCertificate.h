#pragma once
// A fresh key and X.509 v3 certificate made from a CertificateSpec, signed by
// that key (SHA-256), so a TLS persona shows the subject, issuer, SANs,
// validity and serial its real firmware shows. Made once per persona at
// start-up; nothing is written to disk.
// Contract: owns the OpenSSL objects; move-only; the pointers it hands out
// live as long as it does (SSL_CTX_use_* take their own references).
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>

#include "CertificateSpec.h"
#include "fumidai/core/Error.h"

namespace fumidai::lab {

class SelfSignedCertificate {
 public:
  static Result<SelfSignedCertificate> generate(const CertificateSpec& spec);

  X509* certificate() const { return certificate_.get(); }
  EVP_PKEY* key() const { return key_.get(); }

 private:
  struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
  };
  struct KeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
  };

  SelfSignedCertificate() = default;

  std::unique_ptr<EVP_PKEY, KeyFree> key_;
  std::unique_ptr<X509, X509Free> certificate_;
};

}  // namespace fumidai::lab
