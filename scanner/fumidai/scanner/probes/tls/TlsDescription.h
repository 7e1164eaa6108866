#pragma once
// The grabber's TLS client: the SSL_CTX it handshakes with, and what a
// completed handshake showed, as the record's "tls" object.
//
// The grabber verifies nothing, so everything describe_tls() reports came
// from an untrusted peer. Every string is valid UTF-8 without NUL (see
// json_safe_text) and at most kMaxTlsTextBytes long (a cut one ends in
// "..."); at most kMaxTlsSans SANs are kept. Any certificate OpenSSL
// accepted in the handshake is described; a field it cannot read is left out.
//
//   {"version": "TLSv1.3", "cipher": "TLS_AES_256_GCM_SHA384", "cipher_bits": 256,
//    "chain_length": 2,                       // certificates the peer sent, leaf included
//    "certificate": {                         // the leaf; absent when the peer sent none
//      "subject": "CN=Vigor Router,OU=DrayTek Support",  // RFC 4514: last RDN first, specials
//      "issuer": "...",                                  //   and control bytes escaped (\, \0A)
//      "subject_cn": "Vigor Router",          // the subject's most specific CN, unescaped
//      "sans": ["DNS:router.example", "IP:192.0.2.1"],   // DNS and IP SANs only; [] if none
//      "sans_truncated": true,                // only when more than kMaxTlsSans
//      "not_before": "2024-01-31T00:00:00Z", "not_after": "...",
//      "serial": "0a1b...",                   // hex of its magnitude, "-" first if negative
//      "sha256": "...",                       // of the DER
//      "key_type": "RSA" | "RSA-PSS" | "EC" | "Ed25519" | "Ed448" | "DSA" | ...,
//      "key_bits": 2048, "key_curve": "prime256v1",   // curve for EC keys only
//      "signature_algorithm": "sha256WithRSAEncryption",
//      "self_signed": false}}                 // issuer == subject and its own key verifies it
//
// Contract: describe_tls() only reads `ssl` (after a completed handshake;
// null gives an empty object), keeps nothing, and leaves the thread's
// OpenSSL error queue empty. make_grab_tls_context() returns a new context;
// both are safe from any thread on distinct objects.
#include <boost/asio/ssl/context.hpp>
#include <boost/json/object.hpp>
#include <cstddef>

namespace fumidai::scanner {

inline constexpr std::size_t kMaxTlsTextBytes = 1024;
inline constexpr std::size_t kMaxTlsSans = 64;
// Largest certificate chain accepted from a peer (OpenSSL's default, made explicit).
inline constexpr long kMaxTlsCertListBytes = 100L * 1024;

// A client context for grabbing, not for trusting: no verification; TLS 1.0
// to 1.3 and every cipher suite OpenSSL has except the unauthenticated and
// unencrypted ones, at security level 0 so old routers' 512/1024-bit keys,
// SHA-1 signatures and CBC suites still handshake; legacy (pre-RFC 5746)
// renegotiation accepted; no session cache. No SNI: that is set per
// connection (SSL_set_tlsext_host_name), and the grabber connects to
// addresses. Throws only if OpenSSL cannot allocate the context.
boost::asio::ssl::context make_grab_tls_context();

boost::json::object describe_tls(const SSL* ssl);

}  // namespace fumidai::scanner
