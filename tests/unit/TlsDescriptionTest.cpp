// describe_tls() after real handshakes between the grabber's client context
// and an in-process server, over a socketpair (no network): certificates
// are generated here, from a modern RSA/EC one to an old router's and one
// with hostile names and too many SANs.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/json.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/scanner/probes/tls/TlsDescription.h"

using namespace fumidai::scanner;
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertFree {
  void operator()(X509* x) const { X509_free(x); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, CertFree>;

// Builds one certificate; every setter takes raw bytes so tests can put in
// what no sane CA would.
class CertBuilder {
 public:
  explicit CertBuilder(EVP_PKEY* key) : cert_(X509_new()), names_(sk_GENERAL_NAME_new_null()) {
    X509_set_version(cert_.get(), 2);
    X509_set_pubkey(cert_.get(), key);
    ASN1_INTEGER_set(X509_get_serialNumber(cert_.get()), 1);
    validity("20240131120000Z", "20991231235959Z");
  }
  ~CertBuilder() { GENERAL_NAMES_free(names_); }

  // `set` -1 joins the previous RDN (a multi-valued RDN); 0 starts a new one.
  CertBuilder& subject(const char* field, std::string_view value, int type = V_ASN1_UTF8STRING, int set = 0) {
    EXPECT_EQ(X509_NAME_add_entry_by_txt(X509_get_subject_name(cert_.get()), field, type,
                                         reinterpret_cast<const unsigned char*>(value.data()),
                                         static_cast<int>(value.size()), -1, set),
              1)
        << field;
    return *this;
  }
  CertBuilder& issuer(const X509_NAME* name) {
    X509_set_issuer_name(cert_.get(), name);
    issuer_set_ = true;
    return *this;
  }
  CertBuilder& serial_hex(const char* hex) {
    BIGNUM* bn = nullptr;
    BN_hex2bn(&bn, hex);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert_.get()));
    BN_free(bn);
    return *this;
  }
  CertBuilder& validity(const char* not_before, const char* not_after) {
    EXPECT_EQ(ASN1_TIME_set_string_X509(X509_getm_notBefore(cert_.get()), not_before), 1);
    EXPECT_EQ(ASN1_TIME_set_string_X509(X509_getm_notAfter(cert_.get()), not_after), 1);
    return *this;
  }
  CertBuilder& san(int type, std::string_view value) {
    GENERAL_NAME* name = GENERAL_NAME_new();
    ASN1_STRING* s = type == GEN_IPADD ? ASN1_OCTET_STRING_new() : ASN1_IA5STRING_new();
    ASN1_STRING_set(s, value.data(), static_cast<int>(value.size()));
    GENERAL_NAME_set0_value(name, type, s);
    sk_GENERAL_NAME_push(names_, name);
    return *this;
  }
  CertBuilder& san_ip(int family, const char* text) {
    unsigned char raw[16];
    EXPECT_EQ(inet_pton(family, text, raw), 1);
    return san(GEN_IPADD, std::string_view(reinterpret_cast<const char*>(raw), family == AF_INET ? 4 : 16));
  }
  Cert sign(EVP_PKEY* signer, const EVP_MD* md) {
    if (!issuer_set_) X509_set_issuer_name(cert_.get(), X509_get_subject_name(cert_.get()));
    if (sk_GENERAL_NAME_num(names_) > 0) {
      EXPECT_EQ(X509_add1_ext_i2d(cert_.get(), NID_subject_alt_name, names_, 0, X509V3_ADD_DEFAULT), 1);
    }
    EXPECT_GT(X509_sign(cert_.get(), signer, md), 0);
    return std::move(cert_);
  }

 private:
  Cert cert_;
  GENERAL_NAMES* names_;
  bool issuer_set_ = false;
};

struct Server {
  Server(X509* l, EVP_PKEY* k) : leaf(l), key(k) {}
  X509* leaf;
  EVP_PKEY* key;
  std::vector<X509*> chain;  // sent after the leaf
  int max_version = 0;       // 0: TLS 1.3
  const char* ciphers = "ALL:@SECLEVEL=0";
};

Server tls12(Server s) {
  s.max_version = TLS1_2_VERSION;
  return s;
}
Server tls10_aes128_sha(Server s) {
  s.max_version = TLS1_VERSION;
  s.ciphers = "AES128-SHA:@SECLEVEL=0";
  return s;
}
Server with_chain(Server s, X509* ca) {
  s.chain.push_back(ca);
  return s;
}

struct HandshakeResult {
  boost::system::error_code client_error;
  boost::system::error_code server_error;
  json::object tls;
};

HandshakeResult handshake(const Server& s) {
  asio::io_context io;
  asio::local::stream_protocol::socket client_socket(io), server_socket(io);
  asio::local::connect_pair(client_socket, server_socket);
  asio::ssl::context server_context(asio::ssl::context::tls_server);
  SSL_CTX* ctx = server_context.native_handle();
  SSL_CTX_set_security_level(ctx, 0);
  SSL_CTX_set_cipher_list(ctx, s.ciphers);
  SSL_CTX_set_max_proto_version(ctx, s.max_version);
  EXPECT_EQ(SSL_CTX_use_certificate(ctx, s.leaf), 1);
  EXPECT_EQ(SSL_CTX_use_PrivateKey(ctx, s.key), 1);
  for (X509* c : s.chain) EXPECT_EQ(SSL_CTX_add1_chain_cert(ctx, c), 1);
  asio::ssl::context client_context = make_grab_tls_context();
  asio::ssl::stream<asio::local::stream_protocol::socket&> client(client_socket, client_context);
  asio::ssl::stream<asio::local::stream_protocol::socket&> server(server_socket, server_context);
  HandshakeResult result;
  client.async_handshake(asio::ssl::stream_base::client, [&](boost::system::error_code ec) {
    result.client_error = ec;
    if (!ec) result.tls = describe_tls(client.native_handle());
  });
  server.async_handshake(asio::ssl::stream_base::server,
                         [&](boost::system::error_code ec) { result.server_error = ec; });
  io.run();
  return result;
}

std::string der_sha256(X509* cert) {
  unsigned char* der = nullptr;
  const int length = i2d_X509(cert, &der);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  EVP_Digest(der, static_cast<std::size_t>(length), digest, &digest_length, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  std::string hex;
  for (unsigned i = 0; i < digest_length; ++i) {
    static constexpr char kDigits[] = "0123456789abcdef";
    hex += kDigits[digest[i] >> 4];
    hex += kDigits[digest[i] & 15];
  }
  return hex;
}

std::string str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string())
                                        : std::string("<missing ") + std::string(key) + ">";
}

const json::object& certificate(const HandshakeResult& r) {
  static const json::object empty;
  const json::value* v = r.tls.if_contains("certificate");
  return v != nullptr && v->is_object() ? v->get_object() : empty;
}

bool valid_utf8_without_nul(std::string_view s) {
  // Minimal checker: structure only, which json_safe_text guarantees and more.
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b == 0) return false;
    const std::size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

class TlsDescription : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rsa2048_.reset(EVP_RSA_gen(2048));
    rsa1024_.reset(EVP_RSA_gen(1024));
    ec_.reset(EVP_EC_gen("prime256v1"));
    ed25519_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  }
  static void TearDownTestSuite() {
    rsa2048_.reset();
    rsa1024_.reset();
    ec_.reset();
    ed25519_.reset();
  }
  static inline Key rsa2048_, rsa1024_, ec_, ed25519_;
};

}  // namespace

TEST_F(TlsDescription, SelfSignedRsaOverTls13) {
  Cert cert = CertBuilder(rsa2048_.get())
                  .subject("OU", "DrayTek Support")
                  .subject("CN", "Vigor Router")
                  .serial_hex("0A1B2C3D4E5F")
                  .san(GEN_DNS, "router.example.test")
                  .san_ip(AF_INET, "192.0.2.1")
                  .san_ip(AF_INET6, "2001:db8::1")
                  .sign(rsa2048_.get(), EVP_sha256());
  const HandshakeResult r = handshake(Server(cert.get(), rsa2048_.get()));
  ASSERT_FALSE(r.client_error) << r.client_error.message();
  EXPECT_EQ(str(r.tls, "version"), "TLSv1.3");
  EXPECT_EQ(str(r.tls, "cipher").rfind("TLS_", 0), 0u) << str(r.tls, "cipher");
  EXPECT_GE(r.tls.at("cipher_bits").as_int64(), 128);
  EXPECT_EQ(r.tls.at("chain_length").as_int64(), 1);
  const json::object& c = certificate(r);
  EXPECT_EQ(str(c, "subject"), "CN=Vigor Router,OU=DrayTek Support");
  EXPECT_EQ(str(c, "subject_cn"), "Vigor Router");
  EXPECT_EQ(str(c, "issuer"), "CN=Vigor Router,OU=DrayTek Support");
  EXPECT_EQ(json::serialize(c.at("sans")), R"(["DNS:router.example.test","IP:192.0.2.1","IP:2001:db8::1"])");
  EXPECT_FALSE(c.contains("sans_truncated"));
  EXPECT_EQ(str(c, "not_before"), "2024-01-31T12:00:00Z");
  EXPECT_EQ(str(c, "not_after"), "2099-12-31T23:59:59Z");
  EXPECT_EQ(str(c, "serial"), "0a1b2c3d4e5f");
  EXPECT_EQ(str(c, "sha256"), der_sha256(cert.get()));
  EXPECT_EQ(str(c, "key_type"), "RSA");
  EXPECT_EQ(c.at("key_bits").as_int64(), 2048);
  EXPECT_FALSE(c.contains("key_curve"));
  EXPECT_EQ(str(c, "signature_algorithm"), "sha256WithRSAEncryption");
  EXPECT_EQ(c.at("self_signed"), json::value(true));
}

TEST_F(TlsDescription, SelfSignedEcOverTls12) {
  Cert cert = CertBuilder(ec_.get()).subject("CN", "ec.example.test").sign(ec_.get(), EVP_sha384());
  const HandshakeResult r = handshake(tls12(Server(cert.get(), ec_.get())));
  ASSERT_FALSE(r.client_error) << r.client_error.message();
  EXPECT_EQ(str(r.tls, "version"), "TLSv1.2");
  EXPECT_NE(str(r.tls, "cipher").find("ECDSA"), std::string::npos) << str(r.tls, "cipher");
  const json::object& c = certificate(r);
  EXPECT_EQ(str(c, "subject"), "CN=ec.example.test");
  EXPECT_EQ(str(c, "key_type"), "EC");
  EXPECT_EQ(c.at("key_bits").as_int64(), 256);
  EXPECT_EQ(str(c, "key_curve"), "prime256v1");
  EXPECT_EQ(str(c, "signature_algorithm"), "ecdsa-with-SHA384");
  EXPECT_EQ(str(c, "serial"), "01");
  EXPECT_EQ(json::serialize(c.at("sans")), "[]");  // no SAN extension: still an array
  EXPECT_EQ(c.at("self_signed"), json::value(true));
}

TEST_F(TlsDescription, CaSignedChain) {
  Cert ca = CertBuilder(ec_.get()).subject("O", "fumidai").subject("CN", "Test Root CA").sign(ec_.get(), EVP_sha256());
  Cert leaf = CertBuilder(rsa2048_.get())
                  .subject("CN", "leaf.example.test")
                  .issuer(X509_get_subject_name(ca.get()))
                  .sign(ec_.get(), EVP_sha256());
  const HandshakeResult r = handshake(with_chain(Server(leaf.get(), rsa2048_.get()), ca.get()));
  ASSERT_FALSE(r.client_error) << r.client_error.message();
  EXPECT_EQ(r.tls.at("chain_length").as_int64(), 2);
  const json::object& c = certificate(r);
  EXPECT_EQ(str(c, "subject"), "CN=leaf.example.test");
  EXPECT_EQ(str(c, "issuer"), "CN=Test Root CA,O=fumidai");
  EXPECT_EQ(str(c, "key_type"), "RSA");
  EXPECT_EQ(str(c, "signature_algorithm"), "ecdsa-with-SHA256");
  EXPECT_EQ(c.at("self_signed"), json::value(false));
}

TEST_F(TlsDescription, IssuerEqualToSubjectIsNotEnoughForSelfSigned) {
  // Names match, but another key signed it.
  Cert cert = CertBuilder(rsa2048_.get()).subject("CN", "mimic").sign(ec_.get(), EVP_sha256());
  const HandshakeResult r = handshake(Server(cert.get(), rsa2048_.get()));
  ASSERT_FALSE(r.client_error) << r.client_error.message();
  const json::object& c = certificate(r);
  EXPECT_EQ(str(c, "subject"), str(c, "issuer"));
  EXPECT_EQ(c.at("self_signed"), json::value(false));
}

TEST_F(TlsDescription, OldRouterTls10Rsa1024Sha1) {
  Cert cert = CertBuilder(rsa1024_.get())
                  .subject("C", "TW", MBSTRING_ASC)
                  .subject("CN", "Vigor Router", MBSTRING_ASC)
                  .validity("20100101000000Z", "20200101000000Z")
                  .sign(rsa1024_.get(), EVP_sha1());
  const HandshakeResult r = handshake(tls10_aes128_sha(Server(cert.get(), rsa1024_.get())));
  ASSERT_FALSE(r.client_error) << r.client_error.message();
  EXPECT_EQ(str(r.tls, "version"), "TLSv1");
  EXPECT_EQ(str(r.tls, "cipher"), "AES128-SHA");
  const json::object& c = certificate(r);
  EXPECT_EQ(str(c, "subject"), "CN=Vigor Router,C=TW");
  EXPECT_EQ(c.at("key_bits").as_int64(), 1024);
  EXPECT_EQ(str(c, "signature_algorithm"), "sha1WithRSAEncryption");
  EXPECT_EQ(str(c, "not_after"), "2020-01-01T00:00:00Z");  // expired: described, not judged
  EXPECT_EQ(c.at("self_signed"), json::value(true));
}

TEST_F(TlsDescription, HostileNamesAreEscapedBoundedAndSafe) {
  const std::string huge_ou(5000, 'A');
  const std::string huge_dns(3000, 'd');
  CertBuilder builder(ed25519_.get());
  builder
      .subject("OU", huge_ou)                      // last in the one-line form
      .subject("O", "Acme, Inc. + \"Q\" <x>;\\ ")  // every RFC 4514 special
      .subject("1.3.6.1.4.1.99999.1", "custom")    // an OID OpenSSL has no name for
      .subject("title", std::string_view("\x00\xDC\x00n\x00\xEF\x00\x00", 8), V_ASN1_BMPSTRING)  // "Ünï" NUL
      .subject("L", std::string_view("\x00\x01\xF6\x00", 4), V_ASN1_UNIVERSALSTRING)             // U+1F600
      // OpenSSL rejects a UTF8String that is not UTF-8, but a BIT STRING
      // value (allowed in names) keeps its bytes and cannot be converted.
      .subject("ST", "bad\xFF\xFEutf8\x01\x7F", V_ASN1_BIT_STRING)
      .subject("CN", "#first")
      .subject("UID", "two", V_ASN1_UTF8STRING, -1)  // multi-valued RDN with the CN
      .subject("CN", std::string_view("www.bank.example\0.evil.example", 30))
      .serial_hex("-01FF")
      .validity("19700101000000Z", "99991231235959Z");
  builder.san(GEN_DNS, std::string_view("nul\0host.example", 16))
      .san(GEN_DNS, "ctl\x1b[31mred")
      .san(GEN_DNS, huge_dns)
      .san(GEN_EMAIL, "admin@example.test")    // not DNS or IP: left out
      .san(GEN_IPADD, "\x01\x02\x03\x04\x05")  // 5 bytes: not an address, left out
      .san_ip(AF_INET, "198.51.100.7");
  for (int i = 0; i < 100; ++i) builder.san(GEN_DNS, "host" + std::to_string(i) + ".example");
  Cert cert = builder.sign(ed25519_.get(), nullptr);

  const HandshakeResult r = handshake(Server(cert.get(), ed25519_.get()));
  ASSERT_FALSE(r.client_error) << r.client_error.message();
  const json::object& c = certificate(r);
  const std::string subject = str(c, "subject");
  EXPECT_LE(subject.size(), kMaxTlsTextBytes);
  EXPECT_TRUE(valid_utf8_without_nul(subject));
  EXPECT_EQ(subject.substr(subject.size() - 3), "...");
  const std::string head =
      "CN=www.bank.example\\00.evil.example,"
      "UID=two+CN=\\#first,"  // DER sorts the RDN's SET; the one-line form reverses it all
      "ST=bad\xEF\xBF\xBD\xEF\xBF\xBDutf8\\01\\7F,"
      "L=\xF0\x9F\x98\x80,"
      "title=\xC3\x9Cn\xC3\xAF\\00,"
      "1.3.6.1.4.1.99999.1=custom,"
      "O=Acme\\, Inc. \\+ \\\"Q\\\" \\<x\\>\\;\\\\\\ ,"
      "OU=AAAA";
  EXPECT_EQ(subject.substr(0, head.size()), head);
  EXPECT_EQ(str(c, "issuer"), subject);
  EXPECT_EQ(str(c, "subject_cn"), "www.bank.example\xEF\xBF\xBD.evil.example");
  EXPECT_EQ(str(c, "serial"), "-01ff");
  EXPECT_EQ(str(c, "not_before"), "1970-01-01T00:00:00Z");
  EXPECT_EQ(str(c, "not_after"), "9999-12-31T23:59:59Z");
  EXPECT_EQ(str(c, "key_type"), "Ed25519");
  EXPECT_EQ(str(c, "signature_algorithm"), "ED25519");
  EXPECT_EQ(c.at("self_signed"), json::value(true));

  const json::array& sans = c.at("sans").as_array();
  ASSERT_EQ(sans.size(), kMaxTlsSans);
  EXPECT_EQ(c.at("sans_truncated"), json::value(true));
  EXPECT_EQ(sans[0].as_string(), "DNS:nul\xEF\xBF\xBDhost.example");
  EXPECT_EQ(sans[1].as_string(), "DNS:ctl\x1b[31mred");  // JSON escapes the control byte
  EXPECT_EQ(sans[2].as_string().size(), kMaxTlsTextBytes);
  EXPECT_TRUE(sans[2].as_string().ends_with("..."));
  EXPECT_EQ(sans[3].as_string(), "IP:198.51.100.7");
  EXPECT_EQ(sans[4].as_string(), "DNS:host0.example");
  EXPECT_EQ(sans[63].as_string(), "DNS:host59.example");
  for (const json::value& v : sans) EXPECT_TRUE(valid_utf8_without_nul(v.as_string()));
  // The whole record serialises and parses back.
  EXPECT_EQ(json::parse(json::serialize(r.tls)), json::value(r.tls));
}

TEST_F(TlsDescription, NullSessionGivesEmptyObject) { EXPECT_TRUE(describe_tls(nullptr).empty()); }

TEST(TlsClientContext, VerifiesNothingAndAllowsOldProtocols) {
  asio::ssl::context context = make_grab_tls_context();
  SSL_CTX* ctx = context.native_handle();
  EXPECT_EQ(SSL_CTX_get_security_level(ctx), 0);
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx), TLS1_VERSION);
  EXPECT_EQ(SSL_CTX_get_verify_mode(ctx), SSL_VERIFY_NONE);
  EXPECT_NE(SSL_CTX_get_options(ctx) & SSL_OP_LEGACY_SERVER_CONNECT, 0u);
  EXPECT_EQ(SSL_CTX_get_max_cert_list(ctx), kMaxTlsCertListBytes);
}
