#include "fumidai/scanner/probes/tls/TlsDescription.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "fumidai/core/Hex.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {

namespace {

namespace json = boost::json;

// Serial numbers past this many bytes (RFC 5280 allows 20) are cut.
constexpr std::size_t kMaxSerialBytes = 64;
constexpr std::string_view kCut = "...";

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct GeneralNamesFree {
  void operator()(GENERAL_NAMES* n) const { GENERAL_NAMES_free(n); }
};

// `text` (valid UTF-8) cut to kMaxTlsTextBytes on a character boundary.
std::string bounded(std::string text) {
  if (text.size() <= kMaxTlsTextBytes) return text;
  std::size_t cut = kMaxTlsTextBytes - kCut.size();
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  text += kCut;
  return text;
}

// Untrusted bytes as bounded, NUL-free UTF-8.
std::string safe(std::string_view bytes) {
  // Bytes past the bound are dropped before the UTF-8 pass so a huge value
  // costs no more than a small one; the extra byte keeps the cut visible.
  return bounded(json_safe_text(bytes.substr(0, kMaxTlsTextBytes + 1)));
}

std::string_view as_view(const ASN1_STRING* s) {
  return {reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), static_cast<std::size_t>(ASN1_STRING_length(s))};
}

// An attribute value as UTF-8 where OpenSSL can convert it (BMPString,
// T61String, ...), else its raw bytes; either way still untrusted.
std::string utf8_value(const ASN1_STRING* value) {
  unsigned char* utf8 = nullptr;
  const int n = ASN1_STRING_to_UTF8(&utf8, value);
  if (n < 0) return std::string(as_view(value));
  std::string out(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(n));
  OPENSSL_free(utf8);
  return out;
}

// Attribute types by short name ("CN"), algorithms by long name
// ("sha256WithRSAEncryption"), as RFC 4514 and `openssl x509 -text` do.
std::string object_name(const ASN1_OBJECT* object, bool long_name) {
  const int nid = OBJ_obj2nid(object);
  if (nid != NID_undef) {
    if (const char* name = long_name ? OBJ_nid2ln(nid) : OBJ_nid2sn(nid)) return name;
  }
  std::array<char, 128> buffer{};
  // Numeric form: an unknown OID is attacker-chosen, so only digits and dots
  // come out; longer ones are cut by the buffer.
  if (OBJ_obj2txt(buffer.data(), static_cast<int>(buffer.size()), object, 1) <= 0) return "?";
  return buffer.data();
}

// RFC 4514 escaping of one attribute value (already UTF-8 where possible).
void append_rfc4514_value(std::string& out, std::string_view value) {
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      std::array<char, 4> hex{};
      std::snprintf(hex.data(), hex.size(), "\\%02X", u);
      out += hex.data();
    } else if (c == ',' || c == '+' || c == '"' || c == '\\' || c == '<' || c == '>' || c == ';' ||
               (i == 0 && (c == '#' || c == ' ')) || (i + 1 == value.size() && c == ' ')) {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
}

// "CN=...,OU=...": the most specific RDN first, multi-valued RDNs joined by '+'.
std::string format_name(const X509_NAME* name) {
  std::string out;
  const int count = X509_NAME_entry_count(name);
  int previous_set = -1;
  for (int i = count - 1; i >= 0 && out.size() <= kMaxTlsTextBytes; --i) {
    const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, i);
    const int set = X509_NAME_ENTRY_set(entry);
    if (i != count - 1) out += set == previous_set ? '+' : ',';
    previous_set = set;
    out += object_name(X509_NAME_ENTRY_get_object(entry), false);
    out += '=';
    append_rfc4514_value(out, utf8_value(X509_NAME_ENTRY_get_data(entry)));
  }
  return safe(out);
}

std::optional<std::string> common_name(const X509_NAME* name) {
  int last = -1;
  for (int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(name, NID_commonName, i))
    last = i;
  if (last < 0) return std::nullopt;
  return safe(utf8_value(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last))));
}

std::optional<std::string> iso8601(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) return std::nullopt;
  std::array<char, 96> text{};  // room for any int fields, though ASN1_TIME_to_tm gives years 0..9999
  std::snprintf(text.data(), text.size(), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return std::string(text.data());
}

std::string serial_hex(const ASN1_INTEGER* serial) {
  const std::string_view magnitude = as_view(serial);
  std::string out = ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER ? "-" : "";
  if (magnitude.empty()) return out + "00";
  out += to_hex(magnitude.substr(0, kMaxSerialBytes));
  if (magnitude.size() > kMaxSerialBytes) out += kCut;
  return out;
}

void add_sans(json::object& cert, const X509* x509) {
  std::unique_ptr<GENERAL_NAMES, GeneralNamesFree> names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x509, NID_subject_alt_name, nullptr, nullptr)));
  json::array sans;
  bool truncated = false;
  const int count = names ? sk_GENERAL_NAME_num(names.get()) : 0;
  for (int i = 0; i < count; ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    std::string text;
    if (name->type == GEN_DNS) {
      text = safe(std::string("DNS:").append(as_view(name->d.dNSName)));
    } else if (name->type == GEN_IPADD) {
      const std::string_view raw = as_view(name->d.iPAddress);
      std::array<char, INET6_ADDRSTRLEN> address{};
      const int family = raw.size() == 4 ? AF_INET : raw.size() == 16 ? AF_INET6 : AF_UNSPEC;
      if (family == AF_UNSPEC) continue;  // not an address; nothing to show
      inet_ntop(family, raw.data(), address.data(), address.size());
      text = std::string("IP:") + address.data();
    } else {
      continue;
    }
    if (sans.size() == kMaxTlsSans) {
      truncated = true;
      break;
    }
    sans.emplace_back(std::move(text));
  }
  cert["sans"] = std::move(sans);
  if (truncated) cert["sans_truncated"] = true;
}

void add_key(json::object& cert, const X509* x509) {
  EVP_PKEY* key = X509_get0_pubkey(x509);
  if (key == nullptr) {
    // A key type OpenSSL cannot decode: name its algorithm at least.
    ASN1_OBJECT* algorithm = nullptr;
    if (X509_PUBKEY_get0_param(&algorithm, nullptr, nullptr, nullptr, X509_get_X509_PUBKEY(x509)) == 1 &&
        algorithm != nullptr)
      cert["key_type"] = object_name(algorithm, true);
    return;
  }
  const char* type = nullptr;
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
      type = "RSA";
      break;
    case EVP_PKEY_RSA_PSS:
      type = "RSA-PSS";
      break;
    case EVP_PKEY_EC:
      type = "EC";
      break;
    case EVP_PKEY_ED25519:
      type = "Ed25519";
      break;
    case EVP_PKEY_ED448:
      type = "Ed448";
      break;
    case EVP_PKEY_DSA:
      type = "DSA";
      break;
    case EVP_PKEY_DH:
    case EVP_PKEY_DHX:
      type = "DH";
      break;
    default:
      type = EVP_PKEY_get0_type_name(key);
      break;
  }
  cert["key_type"] = type != nullptr ? type : "unknown";
  if (const int bits = EVP_PKEY_get_bits(key); bits > 0) cert["key_bits"] = bits;
  std::array<char, 64> curve{};
  std::size_t length = 0;
  if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC &&
      EVP_PKEY_get_group_name(key, curve.data(), curve.size(), &length) == 1)
    cert["key_curve"] = std::string(curve.data(), length);
}

json::object describe_certificate(X509* x509) {
  json::object cert;
  const X509_NAME* subject = X509_get_subject_name(x509);
  const X509_NAME* issuer = X509_get_issuer_name(x509);
  cert["subject"] = format_name(subject);
  if (auto cn = common_name(subject)) cert["subject_cn"] = *cn;
  cert["issuer"] = format_name(issuer);
  add_sans(cert, x509);
  if (auto t = iso8601(X509_get0_notBefore(x509))) cert["not_before"] = *t;
  if (auto t = iso8601(X509_get0_notAfter(x509))) cert["not_after"] = *t;
  cert["serial"] = serial_hex(X509_get0_serialNumber(x509));
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_length = 0;
  if (X509_digest(x509, EVP_sha256(), digest.data(), &digest_length) == 1)
    cert["sha256"] = to_hex(std::span(digest.data(), digest_length));
  add_key(cert, x509);
  const X509_ALGOR* signature = nullptr;
  X509_get0_signature(nullptr, &signature, x509);
  if (signature != nullptr) {
    const ASN1_OBJECT* algorithm = nullptr;
    X509_ALGOR_get0(&algorithm, nullptr, nullptr, signature);
    if (algorithm != nullptr) cert["signature_algorithm"] = object_name(algorithm, true);
  }
  EVP_PKEY* key = X509_get0_pubkey(x509);
  cert["self_signed"] = X509_NAME_cmp(subject, issuer) == 0 && key != nullptr && X509_verify(x509, key) == 1;
  return cert;
}

}  // namespace

boost::asio::ssl::context make_grab_tls_context() {
  boost::asio::ssl::context context(boost::asio::ssl::context::tls_client);
  SSL_CTX* ctx = context.native_handle();
  SSL_CTX_set_security_level(ctx, 0);
  SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
  SSL_CTX_set_max_proto_version(ctx, 0);  // the highest this OpenSSL has
  // TLS 1.2 and older; TLS 1.3's suites stay OpenSSL's defaults (all of them).
  SSL_CTX_set_cipher_list(ctx, "ALL:!aNULL:!eNULL:@SECLEVEL=0");
  SSL_CTX_set_options(ctx, SSL_OP_ALL | SSL_OP_LEGACY_SERVER_CONNECT);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_max_cert_list(ctx, kMaxTlsCertListBytes);
  return context;
}

json::object describe_tls(const SSL* ssl) {
  json::object tls;
  if (ssl == nullptr) return tls;
  tls["version"] = SSL_get_version(ssl);
  if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl)) {
    tls["cipher"] = SSL_CIPHER_get_name(cipher);
    tls["cipher_bits"] = SSL_CIPHER_get_bits(cipher, nullptr);
  }
  const STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
  tls["chain_length"] = chain != nullptr ? sk_X509_num(chain) : 0;
  std::unique_ptr<X509, X509Free> leaf(SSL_get1_peer_certificate(ssl));
  if (leaf) tls["certificate"] = describe_certificate(leaf.get());
  // Failed conversions and verifications above queue errors; a stale one
  // would make the next SSL call on this thread (another session's) fail.
  ERR_clear_error();
  return tls;
}

}  // namespace fumidai::scanner
